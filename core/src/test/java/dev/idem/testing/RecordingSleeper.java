package dev.idem.testing;

import dev.idem.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A {@link Sleeper} for tests that never blocks: it records every requested {@link Duration}, in order,
 * and, when made with {@link #advancing(MutableClock)}, advances that clock by the duration instead of
 * sleeping. So code under test sees time pass exactly as if it had slept, and a test can assert the exact
 * delays it asked for.
 *
 * <p>Like {@link Thread#sleep(long)}, a sleep on a thread whose interrupt flag is set throws
 * {@link InterruptedException} and clears the flag (the duration is still recorded, the clock does not
 * move). {@link #interruptOnSleep(int)} makes a given sleep throw {@link InterruptedException} as if the
 * thread had been interrupted while waiting.
 *
 * <p>Thread-safe: every method may be called from any thread; {@link #sleeps()} returns a snapshot.
 */
public final class RecordingSleeper implements Sleeper {

    private final MutableClock clock;
    private final List<Duration> sleeps = new ArrayList<>();
    private int interruptOn;

    /** A sleeper that advances {@code clock} by each requested duration; the same as {@link #advancing}. */
    public RecordingSleeper(MutableClock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private RecordingSleeper() {
        this.clock = null;
    }

    /** A sleeper that advances {@code clock} by each requested duration. */
    public static RecordingSleeper advancing(MutableClock clock) {
        return new RecordingSleeper(clock);
    }

    /** A sleeper that only records: time does not pass. */
    public static RecordingSleeper recordingOnly() {
        return new RecordingSleeper();
    }

    /**
     * Makes sleep number {@code sleepNumber} (1-based, counted from the sleeper's creation or the last
     * {@link #clear()}) throw {@link InterruptedException} instead of advancing the clock. The duration is
     * still recorded. 0 turns this off.
     *
     * @return this sleeper
     */
    public synchronized RecordingSleeper interruptOnSleep(int sleepNumber) {
        if (sleepNumber < 0) {
            throw new IllegalArgumentException("sleepNumber must be 0 (off) or more: " + sleepNumber);
        }
        this.interruptOn = sleepNumber;
        return this;
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        Objects.requireNonNull(duration, "duration");
        boolean interrupt;
        synchronized (this) {
            sleeps.add(duration);
            interrupt = sleeps.size() == interruptOn;
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before sleeping " + duration + " (RecordingSleeper)");
        }
        if (interrupt) {
            throw new InterruptedException("interrupted while sleeping " + duration + " (RecordingSleeper)");
        }
        if (clock != null) {
            clock.advance(duration);
        }
    }

    /** Every duration requested so far, in order (an immutable snapshot). */
    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    /** How many sleeps were requested. */
    public synchronized int count() {
        return sleeps.size();
    }

    /** The sum of the requested durations. */
    public synchronized Duration total() {
        Duration total = Duration.ZERO;
        for (Duration sleep : sleeps) {
            total = total.plus(sleep);
        }
        return total;
    }

    /** The clock this sleeper advances, or {@code null} when it only records. */
    public MutableClock clock() {
        return clock;
    }

    /** Forgets the recorded durations and restarts the count used by {@link #interruptOnSleep(int)}. */
    public synchronized void clear() {
        sleeps.clear();
    }

    @Override
    public synchronized String toString() {
        return "RecordingSleeper" + sleeps;
    }
}
