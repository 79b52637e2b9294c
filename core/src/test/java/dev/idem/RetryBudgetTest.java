package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.annotation.Jitter;
import dev.idem.testing.MutableClock;
import dev.idem.testing.RecordingSleeper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The retry budget as documented on {@link RetryBudget}: capacity {@code max(1, 10 * minPerSecond)} tokens,
 * full at the start; each call deposits {@code ratio} tokens (never above the capacity); time adds
 * {@code minPerSecond} tokens a second; each retry takes one whole token.
 */
class RetryBudgetTest {

    private final MutableClock clock = new MutableClock();

    private static int drain(RetryBudget budget) {
        int withdrawn = 0;
        while (budget.withdraw()) {
            withdrawn++;
            if (withdrawn > 1_000_000) {
                throw new AssertionError("the budget never runs out");
            }
        }
        return withdrawn;
    }

    @Nested
    class TheBucket {

        @Test
        void startsFullWithTenSecondsOfTheFloor() {
            assertThat(drain(new RetryBudget(0, 1, clock))).isEqualTo(10);
            assertThat(drain(new RetryBudget(0, 3, clock))).isEqualTo(30);
            assertThat(drain(new RetryBudget(0.2, 10, clock))).isEqualTo(100);
        }

        @Test
        void holdsAtLeastOneTokenWhenTheFloorIsZero() {
            RetryBudget budget = new RetryBudget(0, 0, clock);
            assertThat(drain(budget)).isEqualTo(1);

            clock.advance(Duration.ofDays(1));
            assertThat(budget.withdraw()).as("no floor: time adds nothing").isFalse();
        }

        @Test
        void eachCallDepositsTheRatio() {
            RetryBudget budget = new RetryBudget(0.5, 1, clock);
            drain(budget);

            budget.deposit();
            assertThat(budget.withdraw()).as("half a token").isFalse();
            budget.deposit();
            assertThat(budget.withdraw()).as("two halves").isTrue();
            assertThat(budget.withdraw()).isFalse();

            RetryBudget fifths = new RetryBudget(0.2, 1, clock);
            drain(fifths);
            for (int i = 0; i < 4; i++) {
                fifths.deposit();
            }
            assertThat(fifths.withdraw()).as("four fifths").isFalse();
            fifths.deposit();
            assertThat(fifths.withdraw()).as("five fifths").isTrue();
        }

        @Test
        void depositsNeverRaiseItAboveItsCapacity() {
            RetryBudget budget = new RetryBudget(1.0, 1, clock);
            for (int i = 0; i < 1_000; i++) {
                budget.deposit();
            }
            assertThat(drain(budget)).isEqualTo(10);
        }

        @Test
        void aZeroRatioDepositsNothing() {
            RetryBudget budget = new RetryBudget(0, 1, clock);
            drain(budget);
            for (int i = 0; i < 1_000; i++) {
                budget.deposit();
            }
            assertThat(budget.withdraw()).isFalse();
        }

        @Test
        void timeRefillsTheFloorPerSecondUpToTheCapacity() {
            RetryBudget budget = new RetryBudget(0, 2, clock);
            assertThat(drain(budget)).isEqualTo(20);
            assertThat(budget.withdraw()).as("the clock has not moved").isFalse();

            clock.advance(Duration.ofSeconds(1));
            assertThat(drain(budget)).isEqualTo(2);

            clock.advance(Duration.ofMillis(500));
            assertThat(drain(budget)).isEqualTo(1);

            clock.advance(Duration.ofHours(1));
            assertThat(drain(budget)).as("capped at the capacity").isEqualTo(20);
        }

        @Test
        void partsOfATokenEarnedByTimeAreNotLost() {
            RetryBudget budget = new RetryBudget(0, 2, clock);
            drain(budget);

            clock.advance(Duration.ofMillis(300));
            assertThat(budget.withdraw()).as("0.6 token").isFalse();
            clock.advance(Duration.ofMillis(200));
            assertThat(budget.withdraw()).as("0.6 + 0.4 token").isTrue();
            assertThat(budget.withdraw()).isFalse();
        }

        @Test
        void aClockThatStepsBackAddsNothingAndDoesNotBreakTheBucket() {
            RetryBudget budget = new RetryBudget(0, 1, clock);
            drain(budget);

            clock.set(clock.instant().minus(Duration.ofMinutes(5)));
            assertThat(budget.withdraw()).isFalse();

            clock.set(clock.instant().plus(Duration.ofMinutes(5)).plus(Duration.ofSeconds(3)));
            assertThat(drain(budget)).isEqualTo(3);
        }
    }

    @Nested
    class ThroughTheExecutor {

        /** Fails every time; fixed 100 ms delays that do not move the clock, so only the test moves time. */
        private final RecordingSleeper sleeper = RecordingSleeper.recordingOnly();
        private final AtomicInteger bodyCalls = new AtomicInteger();

        private RetryExecutor executor(RetryPolicy.Builder policy) {
            return RetryExecutor.builder(policy.jitter(Jitter.NONE).multiplier(1).build()).clock(clock).sleeper(sleeper)
                    .random(() -> 0.5).build();
        }

        /** Makes {@code calls} failing calls and returns the retries they made. */
        private int burst(RetryExecutor executor, int calls) {
            int before = bodyCalls.get();
            for (int i = 0; i < calls; i++) {
                try {
                    executor.execute(() -> {
                        bodyCalls.incrementAndGet();
                        throw new IOException("dependency down");
                    });
                    throw new AssertionError("the body always fails");
                } catch (IOException expected) {
                    assertThat(expected).hasMessage("dependency down");
                }
            }
            return bodyCalls.get() - before - calls;
        }

        @Test
        void aBurstOfFailingCallsGetsTheBucketsRetriesThenNone() {
            // capacity max(1, 10 * 1) = 10 tokens, no deposits, frozen clock
            RetryExecutor executor = executor(RetryPolicy.builder().maxAttempts(2).budget(0, 1));

            assertThat(burst(executor, 20)).isEqualTo(10);
            assertThat(bodyCalls).hasValue(30);
            assertThat(sleeper.count()).isEqualTo(10);

            assertThat(burst(executor, 50)).as("budget spent").isZero();
        }

        @Test
        void oneCallCanSpendTheWholeBucket() {
            RetryExecutor executor = executor(RetryPolicy.builder().maxAttempts(100).budget(0, 1));

            assertThat(burst(executor, 1)).isEqualTo(10);
            assertThat(burst(executor, 5)).isZero();
        }

        @Test
        void advancingTheClockRefillsTheBudget() {
            RetryExecutor executor = executor(RetryPolicy.builder().maxAttempts(2).budget(0, 1));
            assertThat(burst(executor, 20)).isEqualTo(10);

            clock.advance(Duration.ofSeconds(1));
            assertThat(burst(executor, 5)).isEqualTo(1);

            clock.advance(Duration.ofSeconds(3));
            assertThat(burst(executor, 5)).isEqualTo(3);

            clock.advance(Duration.ofMinutes(10));
            assertThat(burst(executor, 50)).as("refilled to capacity only").isEqualTo(10);
        }

        @Test
        void depositsOfCallsPayForAShareOfRetries() {
            // capacity 10 tokens; each call deposits 0.5 token; the first call's deposit is lost because the bucket
            // is full. With one retry per call: retries = floor(10 + 0.5 * (40 - 1)) = 29 over 40 calls.
            RetryExecutor executor = executor(RetryPolicy.builder().maxAttempts(2).budget(0.5, 1));

            assertThat(burst(executor, 40)).isEqualTo(29);
            // then, steadily, one retry for every second call
            assertThat(burst(executor, 20)).isEqualTo(10);
        }

        @Test
        void successfulCallsDoNotSpendTheBudget() throws Exception {
            RetryExecutor executor = executor(RetryPolicy.builder().maxAttempts(2).budget(0, 1));
            for (int i = 0; i < 1_000; i++) {
                assertThat(executor.<String, Exception>execute(() -> "ok")).isEqualTo("ok");
            }
            assertThat(burst(executor, 20)).isEqualTo(10);
        }

        @Test
        void retriesRefusedForOtherReasonsDoNotSpendTokens() throws Exception {
            // capacity max(1, 10 * 0) = 1 token that time never refills
            RetryExecutor executor = executor(RetryPolicy.builder().maxAttempts(2).budget(0, 0)
                    .maxDuration(Duration.ofSeconds(1)).excludes(IllegalArgumentException.class));

            for (int i = 0; i < 5; i++) {
                try {
                    executor.execute(() -> {
                        bodyCalls.incrementAndGet();
                        clock.advance(Duration.ofSeconds(2));
                        throw new IOException("too slow to retry");
                    });
                } catch (IOException expected) {
                    assertThat(expected).hasMessage("too slow to retry");
                }
                try {
                    executor.<String, RuntimeException>execute(() -> {
                        bodyCalls.incrementAndGet();
                        throw new IllegalArgumentException("not retryable");
                    });
                } catch (IllegalArgumentException expected) {
                    assertThat(expected).hasMessage("not retryable");
                }
            }
            assertThat(bodyCalls).as("no retries so far").hasValue(10);

            assertThat(burst(executor, 3)).as("the one token is still there").isEqualTo(1);
        }

        @Test
        void withoutABudgetRetriesAreNeverLimited() {
            RetryExecutor executor = executor(RetryPolicy.builder().maxAttempts(3).budget(false));

            assertThat(burst(executor, 1_000)).isEqualTo(2_000);
            assertThat(sleeper.count()).isEqualTo(2_000);
        }

        @Test
        void concurrentCallersNeverTakeMoreTokensThanTheBucketHoldsPlusTheirDeposits() throws Exception {
            // capacity 20 tokens, 0.5 token per call, frozen clock
            int threads = 16;
            int callsPerThread = 200;
            RetryExecutor executor = executor(RetryPolicy.builder().maxAttempts(3).budget(0.5, 2));

            int retries = hammer(executor, threads, callsPerThread);

            int calls = threads * callsPerThread;
            assertThat(retries).isGreaterThanOrEqualTo(20).isLessThanOrEqualTo(20 + calls / 2);
        }

        @Test
        void concurrentCallersTakeExactlyTheTokensThereAreAndTheBalanceNeverGoesNegative() throws Exception {
            // no deposits: exactly 20 tokens in the bucket, whatever the interleaving
            RetryExecutor executor = executor(RetryPolicy.builder().maxAttempts(5).budget(0, 2));

            assertThat(hammer(executor, 16, 100)).isEqualTo(20);

            // had two callers both taken the last token, the balance would be negative and 1 s would not buy 2 retries
            clock.advance(Duration.ofSeconds(1));
            assertThat(hammer(executor, 16, 20)).isEqualTo(2);
        }

        private int hammer(RetryExecutor executor, int threads, int callsPerThread) throws Exception {
            int before = bodyCalls.get();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            try {
                for (int t = 0; t < threads; t++) {
                    results.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        int failures = 0;
                        for (int i = 0; i < callsPerThread; i++) {
                            try {
                                executor.execute(() -> {
                                    bodyCalls.incrementAndGet();
                                    throw new IOException("down");
                                });
                            } catch (IOException expected) {
                                failures++;
                            }
                        }
                        return failures;
                    }));
                }
                assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
                go.countDown();
                int failures = 0;
                for (Future<Integer> result : results) {
                    failures += result.get(60, TimeUnit.SECONDS);
                }
                assertThat(failures).isEqualTo(threads * callsPerThread);
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
            return bodyCalls.get() - before - threads * callsPerThread;
        }
    }
}
