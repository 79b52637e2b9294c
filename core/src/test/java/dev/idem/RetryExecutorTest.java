package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.idem.annotation.IdempotencyInProgressException;
import dev.idem.annotation.IdempotencyKeyMismatchException;
import dev.idem.annotation.Jitter;
import dev.idem.annotation.ThrowingSupplier;
import dev.idem.testing.MutableClock;
import dev.idem.testing.RecordingSleeper;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RetryExecutorTest {

    private final MutableClock clock = new MutableClock();
    private final RecordingSleeper sleeper = RecordingSleeper.advancing(clock);

    @AfterEach
    void clearInterruptFlag() {
        // never leak an interrupt into the next test
        Thread.interrupted();
    }

    /** A policy with fixed, easy numbers: 100 ms doubling up to 1 s, no jitter, no budget. */
    private static RetryPolicy.Builder plain() {
        return RetryPolicy.builder().delay(Duration.ofMillis(100)).multiplier(2).maxDelay(Duration.ofSeconds(1))
                .jitter(Jitter.NONE).budget(false);
    }

    private RetryExecutor executor(RetryPolicy policy) {
        return executor(policy, () -> 0.5);
    }

    private RetryExecutor executor(RetryPolicy policy, DoubleSupplier random) {
        return RetryExecutor.builder(policy).clock(clock).sleeper(sleeper).random(random).build();
    }

    private static List<Duration> millis(long... values) {
        List<Duration> list = new ArrayList<>();
        for (long value : values) {
            list.add(Duration.ofMillis(value));
        }
        return list;
    }

    /** Work that counts its calls and throws what {@code failures} gives for each call, or returns "ok". */
    private static final class Body<E extends Exception> implements ThrowingSupplier<String, E> {
        final AtomicInteger calls = new AtomicInteger();
        final List<Throwable> thrown = new ArrayList<>();
        private final IntFunction<Throwable> failures;
        private final Runnable eachCall;

        Body(IntFunction<Throwable> failures, Runnable eachCall) {
            this.failures = failures;
            this.eachCall = eachCall;
        }

        Body(IntFunction<Throwable> failures) {
            this(failures, () -> { });
        }

        @Override
        public String get() throws E {
            int call = calls.incrementAndGet();
            eachCall.run();
            Throwable failure = failures.apply(call);
            if (failure == null) {
                return "ok after " + call;
            }
            thrown.add(failure);
            throw Throwables.<RuntimeException>sneaky(failure);
        }

        Throwable last() {
            return thrown.get(thrown.size() - 1);
        }
    }

    private static <E extends Exception> Body<E> alwaysFailing(IntFunction<Throwable> failure) {
        return new Body<>(failure);
    }

    @Nested
    class Success {

        @Test
        void successOnTheFirstAttemptNeverTouchesTheSleeperTheClockOrTheRandomSource() {
            AtomicInteger randoms = new AtomicInteger();
            RetryExecutor executor = executor(RetryPolicy.builder().build(), () -> {
                randoms.incrementAndGet();
                return 0.5;
            });
            Instant before = clock.instant();

            String result = executor.execute(() -> "done");

            assertThat(result).isEqualTo("done");
            assertThat(sleeper.sleeps()).isEmpty();
            assertThat(clock.instant()).isEqualTo(before);
            assertThat(randoms).hasValue(0);
        }

        @Test
        void aNullResultIsReturnedAsIs() {
            assertThat(executor(plain().build()).<Object, RuntimeException>execute(() -> null)).isNull();
            assertThat(sleeper.count()).isZero();
        }

        @Test
        void succeedsAfterTwoFailuresAndReturnsTheResultOfTheSuccessfulAttempt() throws IOException {
            Body<IOException> body = new Body<>(call -> call <= 2 ? new IOException("flaky " + call) : null);

            String result = executor(plain().maxAttempts(5).build()).execute(body);

            assertThat(result).isEqualTo("ok after 3");
            assertThat(body.calls).hasValue(3);
            assertThat(sleeper.sleeps()).isEqualTo(millis(100, 200));
        }
    }

    @Nested
    class Delays {

        @Test
        void noJitterSleepsTheExactExponentialSequenceCappedAtMaxDelay() {
            Body<IOException> body = alwaysFailing(call -> new IOException("down " + call));
            RetryExecutor executor = executor(plain().maxAttempts(7).build());
            Instant start = clock.instant();

            Throwable thrown = catchThrowable(() -> executor.execute(body));

            assertThat(thrown).isSameAs(body.last());
            assertThat(body.calls).hasValue(7);
            assertThat(sleeper.sleeps()).isEqualTo(millis(100, 200, 400, 800, 1000, 1000));
            assertThat(clock.since(start)).isEqualTo(Duration.ofMillis(3500));
        }

        @Test
        void fullJitterSleepsTheBackoffTimesTheRandomValue() {
            double[] randoms = {0.5, 0.1, 0.9, 0.0};
            AtomicInteger next = new AtomicInteger();
            RetryExecutor executor = executor(plain().jitter(Jitter.FULL).maxAttempts(5).build(),
                    () -> randoms[next.getAndIncrement()]);

            catchThrowable(() -> executor.execute(alwaysFailing(call -> new IOException("down"))));

            // backoffs 100, 200, 400, 800 times 0.5, 0.1, 0.9, 0.0
            assertThat(sleeper.sleeps()).isEqualTo(millis(50, 20, 360, 0));
            assertThat(next).hasValue(4);
        }

        @Test
        void fullJitterWithAFixedRandomScalesEveryDelay() {
            RetryExecutor executor = executor(plain().jitter(Jitter.FULL).maxAttempts(4).build(), () -> 0.25);

            catchThrowable(() -> executor.execute(alwaysFailing(call -> new IOException("down"))));

            assertThat(sleeper.sleeps()).isEqualTo(millis(25, 50, 100));
        }

        @Test
        void equalJitterSleepsHalfTheBackoffPlusARandomShareOfTheOtherHalf() {
            RetryExecutor executor = executor(plain().jitter(Jitter.EQUAL).maxAttempts(6).build(), () -> 0.5);

            catchThrowable(() -> executor.execute(alwaysFailing(call -> new IOException("down"))));

            // backoffs 100, 200, 400, 800, 1000 -> 75%
            assertThat(sleeper.sleeps()).isEqualTo(millis(75, 150, 300, 600, 750));
        }

        @Test
        void equalJitterWithZeroRandomStillWaitsHalfTheBackoff() {
            RetryExecutor executor = executor(plain().jitter(Jitter.EQUAL).maxAttempts(4).build(), () -> 0.0);

            catchThrowable(() -> executor.execute(alwaysFailing(call -> new IOException("down"))));

            assertThat(sleeper.sleeps()).isEqualTo(millis(50, 100, 200));
        }
    }

    @Nested
    class Attempts {

        @Test
        void maxAttemptsCountsEveryAttemptTheFirstIncluded() {
            for (int maxAttempts = 1; maxAttempts <= 5; maxAttempts++) {
                sleeper.clear();
                Body<IOException> body = alwaysFailing(call -> new IOException("down"));
                RetryExecutor executor = executor(plain().maxAttempts(maxAttempts).build());

                catchThrowable(() -> executor.execute(body));

                assertThat(body.calls).as("maxAttempts %d", maxAttempts).hasValue(maxAttempts);
                assertThat(sleeper.count()).as("maxAttempts %d", maxAttempts).isEqualTo(maxAttempts - 1);
            }
        }

        @Test
        void theDefaultPolicyMakesThreeAttempts() {
            Body<IOException> body = alwaysFailing(call -> new IOException("down"));
            RetryExecutor executor = executor(RetryPolicy.builder().build(), () -> 0.5);

            catchThrowable(() -> executor.execute(body));

            assertThat(body.calls).hasValue(3);
            // default: 100 ms doubling, full jitter
            assertThat(sleeper.sleeps()).isEqualTo(millis(50, 100));
        }

        @Test
        void oneAttemptMeansNoRetryAndNoSleep() {
            Body<IOException> body = alwaysFailing(call -> new IOException("down"));

            catchThrowable(() -> executor(plain().maxAttempts(1).build()).execute(body));

            assertThat(body.calls).hasValue(1);
            assertThat(sleeper.sleeps()).isEmpty();
        }

        @Test
        void aCheckedExceptionIsRethrownUnchangedAfterExhaustion() {
            IOException failure = new IOException("always the same");
            RetryExecutor executor = executor(plain().maxAttempts(3).build());

            Throwable thrown = catchThrowable(() -> executor.execute(() -> {
                throw failure;
            }));

            assertThat(thrown).isSameAs(failure);
            assertThat(thrown.getSuppressed()).isEmpty();
            assertThat(thrown.getCause()).isNull();
        }

        @Test
        void theLastFailureIsRethrownNotTheFirst() {
            Body<IOException> body = alwaysFailing(call -> new IOException("attempt " + call));

            Throwable thrown = catchThrowable(() -> executor(plain().maxAttempts(3).build()).execute(body));

            assertThat(thrown).isSameAs(body.thrown.get(2)).hasMessage("attempt 3");
        }

        @Test
        void aCheckedExceptionCanBeCaughtAsItsDeclaredType() {
            RetryExecutor executor = executor(plain().maxAttempts(2).build());
            FileNotFoundException failure = new FileNotFoundException("missing");
            try {
                executor.<String, FileNotFoundException>execute(() -> {
                    throw failure;
                });
                throw new AssertionError("expected the failure");
            } catch (FileNotFoundException caught) {
                assertThat(caught).isSameAs(failure);
            }
        }
    }

    @Nested
    class MaxDuration {

        @Test
        void aRetryWhoseDelayWouldEndPastMaxDurationIsNotMade() {
            // every attempt takes 300 ms; fixed 100 ms delays; 1 s in total
            Body<IOException> body = new Body<>(call -> new IOException("slow " + call), () -> clock.advanceMillis(300));
            RetryExecutor executor = executor(plain().multiplier(1).maxAttempts(100).maxDuration(Duration.ofSeconds(1))
                    .build());

            Throwable thrown = catchThrowable(() -> executor.execute(body));

            // attempt 1: 0-300, sleep to 400; attempt 2: 400-700, sleep to 800; attempt 3: 800-1100, stop
            assertThat(body.calls).hasValue(3);
            assertThat(sleeper.sleeps()).isEqualTo(millis(100, 100));
            assertThat(thrown).isSameAs(body.last()).hasMessage("slow 3");
        }

        @Test
        void aDelayEndingExactlyAtMaxDurationIsAllowed() {
            Body<IOException> body = alwaysFailing(call -> new IOException("down"));
            RetryExecutor executor = executor(plain().multiplier(1).delay(Duration.ofMillis(250))
                    .maxAttempts(100).maxDuration(Duration.ofSeconds(1)).build());

            catchThrowable(() -> executor.execute(body));

            // sleeps end at 250, 500, 750 and 1000 ms; the next would end at 1250
            assertThat(sleeper.sleeps()).isEqualTo(millis(250, 250, 250, 250));
            assertThat(body.calls).hasValue(5);
        }

        @Test
        void maxDurationIsMeasuredFromTheStartOfTheFirstAttempt() {
            Body<IOException> body = new Body<>(call -> new IOException("slow"), () -> clock.advance(Duration.ofSeconds(2)));
            RetryExecutor executor = executor(plain().maxAttempts(5).maxDuration(Duration.ofSeconds(1)).build());

            catchThrowable(() -> executor.execute(body));

            assertThat(body.calls).hasValue(1);
            assertThat(sleeper.sleeps()).isEmpty();
        }

        @Test
        void withoutMaxDurationOnlyTheAttemptsLimitRetries() {
            Body<IOException> body = new Body<>(call -> new IOException("slow"), () -> clock.advance(Duration.ofHours(1)));

            catchThrowable(() -> executor(plain().maxAttempts(4).build()).execute(body));

            assertThat(body.calls).hasValue(4);
        }
    }

    @Nested
    class WhatIsRetried {

        @Test
        void anIncludedFailureIsRetriedAndAnotherIsNot() {
            RetryExecutor executor = executor(plain().maxAttempts(3).includes(IOException.class).build());
            Body<IOException> included = alwaysFailing(call -> new IOException("io"));
            Body<RuntimeException> other = alwaysFailing(call -> new IllegalStateException("state"));

            catchThrowable(() -> executor.execute(included));
            Throwable thrown = catchThrowable(() -> executor.execute(other));

            assertThat(included.calls).hasValue(3);
            assertThat(other.calls).hasValue(1);
            assertThat(thrown).isSameAs(other.last());
        }

        @Test
        void includesMatchACause() {
            RetryExecutor executor = executor(plain().maxAttempts(3).includes(IOException.class).build());
            Body<RuntimeException> body = alwaysFailing(call -> new RuntimeException("wrapper",
                    new UncheckedIOException(new IOException("root"))));

            Throwable thrown = catchThrowable(() -> executor.execute(body));

            assertThat(body.calls).hasValue(3);
            assertThat(thrown).isSameAs(body.last());
        }

        @Test
        void excludesWinOverIncludesAndMatchCauses() {
            RetryExecutor executor = executor(plain().maxAttempts(3).includes(IOException.class)
                    .excludes(FileNotFoundException.class).build());
            Body<IOException> excluded = alwaysFailing(call -> new FileNotFoundException("gone"));
            Body<RuntimeException> excludedCause = alwaysFailing(call -> new UncheckedIOException(
                    new FileNotFoundException("gone")));
            Body<IOException> included = alwaysFailing(call -> new IOException("io"));

            catchThrowable(() -> executor.execute(excluded));
            catchThrowable(() -> executor.execute(excludedCause));
            catchThrowable(() -> executor.execute(included));

            assertThat(excluded.calls).hasValue(1);
            assertThat(excludedCause.calls).hasValue(1);
            assertThat(included.calls).hasValue(3);
        }

        @Test
        void idemsOwnExceptionsAreNeverRetried() {
            RetryExecutor executor = executor(plain().maxAttempts(5).includes(RuntimeException.class).build());
            Body<RuntimeException> inProgress = alwaysFailing(call -> new IdempotencyInProgressException("ns:k",
                    Instant.EPOCH, "running elsewhere"));
            Body<RuntimeException> mismatch = alwaysFailing(call -> new IdempotencyKeyMismatchException("ns:k", "other"));

            Throwable first = catchThrowable(() -> executor.execute(inProgress));
            Throwable second = catchThrowable(() -> executor.execute(mismatch));

            assertThat(inProgress.calls).hasValue(1);
            assertThat(mismatch.calls).hasValue(1);
            assertThat(first).isSameAs(inProgress.last());
            assertThat(second).isSameAs(mismatch.last());
            assertThat(sleeper.sleeps()).isEmpty();
        }

        @Test
        void anErrorIsNotRetriedByDefaultAndIsRethrownUnchanged() {
            AssertionError error = new AssertionError("bug");
            Body<RuntimeException> body = alwaysFailing(call -> error);

            Throwable thrown = catchThrowable(() -> executor(plain().maxAttempts(5).build()).execute(body));

            assertThat(thrown).isSameAs(error);
            assertThat(body.calls).hasValue(1);
        }

        @Test
        void anErrorIsRetriedWhenListedInIncludes() {
            Body<RuntimeException> body = new Body<>(call -> call < 3 ? new RetryPolicyTest.TransientError("flaky") : null);

            String result = executor(plain().maxAttempts(5).includes(RetryPolicyTest.TransientError.class).build())
                    .execute(body);

            assertThat(result).isEqualTo("ok after 3");
            assertThat(sleeper.sleeps()).isEqualTo(millis(100, 200));
        }
    }

    @Nested
    class Interrupts {

        @Test
        void anInterruptDuringTheWaitStopsRetryingKeepsTheFlagAndSuppressesTheInterruptedException() {
            sleeper.interruptOnSleep(2);
            Body<IOException> body = alwaysFailing(call -> new IOException("down " + call));

            Throwable thrown = catchThrowable(() -> executor(plain().maxAttempts(10).build()).execute(body));
            boolean interrupted = Thread.interrupted();

            assertThat(interrupted).as("interrupt flag kept").isTrue();
            assertThat(body.calls).hasValue(2);
            assertThat(thrown).isSameAs(body.last()).hasMessage("down 2");
            assertThat(thrown.getSuppressed()).hasSize(1);
            assertThat(thrown.getSuppressed()[0]).isInstanceOf(InterruptedException.class);
            assertThat(sleeper.sleeps()).isEqualTo(millis(100, 200));
            assertThat(clock.since(MutableClock.DEFAULT_START)).isEqualTo(Duration.ofMillis(100));
        }

        @Test
        void theSuppressedExceptionIsTheOneTheSleeperThrew() {
            InterruptedException interruption = new InterruptedException("stop");
            RetryExecutor executor = RetryExecutor.builder(plain().build()).clock(clock).sleeper(duration -> {
                throw interruption;
            }).build();
            IOException failure = new IOException("down");

            Throwable thrown = catchThrowable(() -> executor.execute(() -> {
                throw failure;
            }));

            assertThat(Thread.interrupted()).isTrue();
            assertThat(thrown).isSameAs(failure);
            assertThat(thrown.getSuppressed()).containsExactly(interruption);
        }

        @Test
        void aThreadInterruptedBeforeTheCallMakesOneAttemptAndKeepsTheFlag() {
            Body<IOException> body = alwaysFailing(call -> new IOException("down"));
            Thread.currentThread().interrupt();

            Throwable thrown = catchThrowable(() -> executor(plain().maxAttempts(5).build()).execute(body));

            assertThat(Thread.interrupted()).isTrue();
            assertThat(body.calls).hasValue(1);
            assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(InterruptedException.class);
        }

        @Test
        void anInterruptedThreadThatSucceedsIsNotDisturbed() {
            Thread.currentThread().interrupt();

            String result = executor(plain().build()).execute(() -> "fine");

            assertThat(result).isEqualTo("fine");
            assertThat(Thread.interrupted()).isTrue();
            assertThat(sleeper.count()).isZero();
        }
    }

    @Nested
    class Deferral {

        @Test
        void defersOnlyRetryableFailuresAndOnlyWithADeferPolicy() {
            RetryExecutor deferring = executor(plain().defer(DeferPolicy.defaults()).excludes(IllegalArgumentException.class)
                    .build());
            RetryExecutor notDeferring = executor(plain().build());

            assertThat(deferring.defers(new IOException("down"))).isTrue();
            assertThat(deferring.defers(new IllegalArgumentException("bad input"))).isFalse();
            assertThat(deferring.defers(new IdempotencyKeyMismatchException("ns:k", "mismatch"))).isFalse();
            assertThat(deferring.defers(new AssertionError("bug"))).isFalse();
            assertThat(notDeferring.defers(new IOException("down"))).isFalse();
        }

        @Test
        void deferDelayUsesTheInjectedRandomWithEqualJitter() {
            RetryExecutor executor = executor(plain().defer(DeferPolicy.of(5, Duration.ofMinutes(1), 2,
                    Duration.ofMinutes(10))).build(), () -> 0.5);

            assertThat(executor.deferDelay(1)).isEqualTo(Duration.ofSeconds(45));
            assertThat(executor.deferDelay(2)).isEqualTo(Duration.ofSeconds(90));
            assertThat(executor.deferDelay(5)).isEqualTo(Duration.ofMinutes(7).plusSeconds(30));
        }
    }

    @Nested
    class Construction {

        @Test
        void requiresEveryCollaborator() {
            RetryPolicy policy = plain().build();
            assertThatThrownBy(() -> RetryExecutor.builder(null).build())
                    .isInstanceOf(NullPointerException.class).hasMessage("policy");
            assertThatThrownBy(() -> RetryExecutor.builder(policy).clock(null).build())
                    .isInstanceOf(NullPointerException.class).hasMessage("clock");
            assertThatThrownBy(() -> RetryExecutor.builder(policy).sleeper(null).build())
                    .isInstanceOf(NullPointerException.class).hasMessage("sleeper");
            assertThatThrownBy(() -> RetryExecutor.builder(policy).random(null).build())
                    .isInstanceOf(NullPointerException.class).hasMessage("random");
        }

        @Test
        void exposesItsPolicy() {
            RetryPolicy policy = plain().maxAttempts(4).build();
            RetryExecutor executor = RetryExecutor.of(policy);
            assertThat(executor.policy()).isSameAs(policy);
            assertThat(executor.toString()).isEqualTo("RetryExecutor[" + policy + "]");
        }
    }
}
