package dev.idem;

import dev.idem.annotation.ThrowingSupplier;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * Runs work under a {@link RetryPolicy} on the caller's thread: on a retryable failure it waits the
 * policy's jittered backoff and tries again, until the work succeeds, the attempts or the total
 * duration are used up, the failure is not retryable, or the method's retry budget is spent; then the
 * last failure is rethrown unchanged. An interrupt during a wait stops the retries, keeps the
 * interrupt flag and rethrows the last failure with the {@link InterruptedException} suppressed.
 *
 * <p>One executor per method: its retry budget is shared by every caller. Thread-safe.
 */
public final class RetryExecutor {

    private final RetryPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final DoubleSupplier random;
    private final RetryBudget budget;

    private RetryExecutor(RetryPolicy policy, Clock clock, Sleeper sleeper, DoubleSupplier random) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.random = Objects.requireNonNull(random, "random");
        this.budget = policy.budget() ? new RetryBudget(policy.budgetRatio(), policy.budgetMinPerSecond(), clock) : null;
    }

    /** An executor on the system clock, sleeping for real, with a thread-local random. */
    public static RetryExecutor of(RetryPolicy policy) {
        return builder(policy).build();
    }

    /** A builder to inject the clock, the sleeper and the random source (for tests). */
    public static Builder builder(RetryPolicy policy) {
        return new Builder(policy);
    }

    /** The policy. */
    public RetryPolicy policy() {
        return policy;
    }

    /**
     * Runs {@code work}, retrying it as the policy says.
     *
     * @return what the first successful attempt returned
     * @throws E the last failure, unchanged, when no attempt succeeded
     */
    public <T, E extends Exception> T execute(ThrowingSupplier<T, E> work) throws E {
        long startMillis = start();
        for (int attempt = 1; ; attempt++) {
            try {
                return work.get();
            } catch (Throwable failure) {
                if (!awaitRetry(failure, attempt, startMillis)) {
                    throw Throwables.<RuntimeException>sneaky(failure);
                }
            }
        }
    }

    /** Counts a call against the budget and returns its start time, to pass to {@link #awaitRetry}. */
    long start() {
        if (budget != null) {
            budget.deposit();
        }
        return policy.maxDuration() == null ? 0 : clock.millis();
    }

    /**
     * Decides whether to retry after {@code attemptsMade} attempts ended with {@code failure}, and if so
     * waits the backoff first.
     *
     * @return {@code true} to make another attempt
     */
    boolean awaitRetry(Throwable failure, int attemptsMade, long startMillis) {
        if (attemptsMade >= policy.maxAttempts() || !policy.retries(failure)) {
            return false;
        }
        Duration delay = policy.delayBefore(attemptsMade, random.getAsDouble());
        if (policy.maxDuration() != null
                && clock.millis() - startMillis + delay.toMillis() > policy.maxDuration().toMillis()) {
            return false;
        }
        if (budget != null && !budget.withdraw()) {
            return false;
        }
        try {
            sleeper.sleep(delay);
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            failure.addSuppressed(interrupted);
            return false;
        }
    }

    /** Whether an exhausted call that ended with {@code failure} may be deferred. */
    boolean defers(Throwable failure) {
        return policy.defer() != null && policy.retries(failure);
    }

    /** The delay before deferred attempt {@code attempt}. */
    Duration deferDelay(int attempt) {
        return policy.defer().delayBefore(attempt, random.getAsDouble());
    }

    @Override
    public String toString() {
        return "RetryExecutor[" + policy + "]";
    }

    /** Builds a {@link RetryExecutor}; not thread-safe. */
    public static final class Builder {
        private final RetryPolicy policy;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private DoubleSupplier random = () -> ThreadLocalRandom.current().nextDouble();

        private Builder(RetryPolicy policy) {
            this.policy = policy;
        }

        /** The clock for the total duration and the budget's refill. Default: the system UTC clock. */
        public Builder clock(Clock clock) {
            this.clock = clock;
            return this;
        }

        /** What waits between attempts. Default: {@link Sleeper#system()}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /** The source of jitter, values in [0, 1). Default: a thread-local random. */
        public Builder random(DoubleSupplier random) {
            this.random = random;
            return this;
        }

        /** The executor. */
        public RetryExecutor build() {
            return new RetryExecutor(policy, clock, sleeper, random);
        }
    }
}
