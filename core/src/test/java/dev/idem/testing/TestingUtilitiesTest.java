package dev.idem.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TestingUtilitiesTest {

    @AfterEach
    void clearInterruptFlag() {
        Thread.interrupted();
    }

    @Test
    void mutableClockStartsWhereToldAndMovesOnlyWhenTold() {
        MutableClock clock = new MutableClock();
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START);
        assertThat(clock.getZone()).isEqualTo(ZoneOffset.UTC);

        assertThat(clock.advance(Duration.ofMillis(1500))).isEqualTo(MutableClock.DEFAULT_START.plusMillis(1500));
        assertThat(clock.millis()).isEqualTo(MutableClock.DEFAULT_START.toEpochMilli() + 1500);
        assertThat(clock.advanceMillis(500)).isEqualTo(MutableClock.DEFAULT_START.plusSeconds(2));
        assertThat(clock.since(MutableClock.DEFAULT_START)).isEqualTo(Duration.ofSeconds(2));

        Instant earlier = Instant.parse("2000-01-01T00:00:00Z");
        clock.set(earlier);
        assertThat(clock.instant()).isEqualTo(earlier);
        assertThat(MutableClock.at(earlier).instant()).isEqualTo(earlier);
    }

    @Test
    void mutableClockRefusesToAdvanceBackwards() {
        MutableClock clock = new MutableClock();
        assertThatThrownBy(() -> clock.advance(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("set(Instant)");
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START);
    }

    @Test
    void aZonedViewSharesTheInstant() {
        MutableClock clock = new MutableClock();
        Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
        assertThat(clock.withZone(ZoneOffset.UTC)).isSameAs(clock);

        clock.advance(Duration.ofHours(1));

        assertThat(paris.instant()).isEqualTo(clock.instant());
        assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
        assertThat(paris.withZone(ZoneOffset.UTC)).isSameAs(clock);
    }

    @Test
    void concurrentAdvancesAreNeverLost() throws Exception {
        MutableClock clock = new MutableClock();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 1_000; i++) {
                        clock.advanceMillis(1);
                    }
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(clock.since(MutableClock.DEFAULT_START)).isEqualTo(Duration.ofMillis(8_000));
    }

    @Test
    void recordingSleeperRecordsAndAdvancesTheClockInsteadOfSleeping() throws InterruptedException {
        MutableClock clock = new MutableClock();
        RecordingSleeper sleeper = RecordingSleeper.advancing(clock);

        sleeper.sleep(Duration.ofMillis(100));
        sleeper.sleep(Duration.ofSeconds(3600));

        assertThat(sleeper.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofHours(1));
        assertThat(sleeper.count()).isEqualTo(2);
        assertThat(sleeper.total()).isEqualTo(Duration.ofMillis(3_600_100));
        assertThat(clock.since(MutableClock.DEFAULT_START)).isEqualTo(Duration.ofMillis(3_600_100));
        assertThat(sleeper.clock()).isSameAs(clock);
        assertThatThrownBy(() -> sleeper.sleeps().add(Duration.ZERO)).isInstanceOf(UnsupportedOperationException.class);

        sleeper.clear();
        assertThat(sleeper.sleeps()).isEmpty();
        assertThat(new RecordingSleeper(clock).clock()).isSameAs(clock);
    }

    @Test
    void aRecordingOnlySleeperLeavesTimeAlone() throws InterruptedException {
        RecordingSleeper sleeper = RecordingSleeper.recordingOnly();
        sleeper.sleep(Duration.ofDays(1));
        assertThat(sleeper.sleeps()).containsExactly(Duration.ofDays(1));
        assertThat(sleeper.clock()).isNull();
    }

    @Test
    void aChosenSleepIsInterruptedWithoutMovingTheClock() throws InterruptedException {
        MutableClock clock = new MutableClock();
        RecordingSleeper sleeper = RecordingSleeper.advancing(clock).interruptOnSleep(2);

        sleeper.sleep(Duration.ofSeconds(1));
        assertThatThrownBy(() -> sleeper.sleep(Duration.ofSeconds(2))).isInstanceOf(InterruptedException.class);
        sleeper.sleep(Duration.ofSeconds(4));

        assertThat(sleeper.sleeps()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4));
        assertThat(clock.since(MutableClock.DEFAULT_START)).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> sleeper.interruptOnSleep(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void likeThreadSleepAnInterruptedThreadGetsAnInterruptedExceptionAndItsFlagCleared() {
        MutableClock clock = new MutableClock();
        RecordingSleeper sleeper = RecordingSleeper.advancing(clock);
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> sleeper.sleep(Duration.ofSeconds(1))).isInstanceOf(InterruptedException.class);

        assertThat(Thread.currentThread().isInterrupted()).isFalse();
        assertThat(clock.instant()).isEqualTo(MutableClock.DEFAULT_START);
    }
}
