package dev.idem.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A {@link Clock} for tests whose instant only moves when a test says so: {@link #set(Instant)} jumps
 * to any instant (also backwards, to simulate a clock step), {@link #advance(Duration)} moves it forward.
 * Its zone is UTC.
 *
 * <p>Thread-safe: the instant is held in an atomic reference, so any number of threads may read it while
 * others set or advance it; {@link #advance(Duration)} is atomic (two concurrent advances of 1 s move the
 * clock by exactly 2 s).
 *
 * <p>{@link #withZone(ZoneId)} returns a view in another zone that shares this clock's instant, so
 * advancing this clock also advances the view.
 */
public final class MutableClock extends Clock {

    /** Where a clock made with {@link #MutableClock()} starts: {@code 2025-01-01T00:00:00Z}. */
    public static final Instant DEFAULT_START = Instant.parse("2025-01-01T00:00:00Z");

    private final AtomicReference<Instant> now;

    /** A clock at {@link #DEFAULT_START}. */
    public MutableClock() {
        this(DEFAULT_START);
    }

    /** A clock at {@code start}. */
    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(Objects.requireNonNull(start, "start"));
    }

    /** A clock at {@code start}; the same as {@code new MutableClock(start)}. */
    public static MutableClock at(Instant start) {
        return new MutableClock(start);
    }

    /** Moves the clock to {@code instant}, forwards or backwards. */
    public void set(Instant instant) {
        now.set(Objects.requireNonNull(instant, "instant"));
    }

    /**
     * Moves the clock forward by {@code duration} (zero is allowed) and returns the new instant.
     *
     * @throws IllegalArgumentException when {@code duration} is negative; use {@link #set(Instant)} to go back
     */
    public Instant advance(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("a MutableClock only advances; use set(Instant) to go back: " + duration);
        }
        return now.updateAndGet(instant -> instant.plus(duration));
    }

    /** Moves the clock forward by {@code millis} milliseconds and returns the new instant. */
    public Instant advanceMillis(long millis) {
        return advance(Duration.ofMillis(millis));
    }

    /** The time elapsed since {@code earlier} (negative when {@code earlier} is in this clock's future). */
    public Duration since(Instant earlier) {
        return Duration.between(earlier, instant());
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return now.get().toEpochMilli();
    }

    /** Always {@link ZoneOffset#UTC}. */
    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** This clock for UTC; otherwise a view in {@code zone} that shares this clock's instant. */
    @Override
    public Clock withZone(ZoneId zone) {
        Objects.requireNonNull(zone, "zone");
        return zone.equals(ZoneOffset.UTC) ? this : new ZonedView(this, zone);
    }

    @Override
    public String toString() {
        return "MutableClock[" + instant() + "]";
    }

    /** A zoned view of a {@link MutableClock}: same instant, other zone. */
    private static final class ZonedView extends Clock {
        private final MutableClock source;
        private final ZoneId zone;

        ZonedView(MutableClock source, ZoneId zone) {
            this.source = source;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return source.withZone(other);
        }

        @Override
        public Instant instant() {
            return source.instant();
        }

        @Override
        public long millis() {
            return source.millis();
        }

        @Override
        public String toString() {
            return "MutableClock[" + instant() + ", " + zone + "]";
        }
    }
}
