package dev.idem;

import dev.idem.annotation.Jitter;
import java.time.Duration;

/**
 * How a call whose in-process attempts are exhausted is deferred to a background worker: how many
 * deferred attempts are made and how far apart (exponential, with equal jitter so that no attempt is
 * immediate). After the last one the job is {@code DEAD} and waits for an operator. Immutable and
 * thread-safe.
 */
public final class DeferPolicy {

    private final int maxAttempts;
    private final Duration delay;
    private final double multiplier;
    private final Duration maxDelay;

    private DeferPolicy(int maxAttempts, Duration delay, double multiplier, Duration maxDelay) {
        this.maxAttempts = maxAttempts;
        this.delay = delay;
        this.multiplier = multiplier;
        this.maxDelay = maxDelay;
    }

    /** The defaults of {@link dev.idem.annotation.Retryable}: 10 attempts, 1 minute growing ×2 up to 1 hour. */
    public static DeferPolicy defaults() {
        return of(10, Duration.ofMinutes(1), 2.0, Duration.ofHours(1));
    }

    /**
     * A deferral policy.
     *
     * @param maxAttempts deferred attempts before the job is dead, at least 1
     * @param delay the delay before the first deferred attempt, positive
     * @param multiplier the growth factor, at least 1
     * @param maxDelay the cap on a delay, at least {@code delay}
     */
    public static DeferPolicy of(int maxAttempts, Duration delay, double multiplier, Duration maxDelay) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("deferMaxAttempts must be at least 1: " + maxAttempts);
        }
        Durations.requirePositive(delay, "deferDelay");
        Durations.requirePositive(maxDelay, "deferMaxDelay");
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("deferMultiplier must be a finite number of at least 1: " + multiplier);
        }
        if (maxDelay.compareTo(delay) < 0) {
            throw new IllegalArgumentException("deferMaxDelay (" + maxDelay + ") is shorter than deferDelay (" + delay + ")");
        }
        return new DeferPolicy(maxAttempts, delay, multiplier, maxDelay);
    }

    /** Deferred attempts before the job is dead. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The delay before the first deferred attempt, before jitter. */
    public Duration delay() {
        return delay;
    }

    /** The growth factor. */
    public double multiplier() {
        return multiplier;
    }

    /** The cap on a delay. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** The delay before deferred attempt {@code attempt} (1-based), with {@code random} in [0, 1). */
    public Duration delayBefore(int attempt, double random) {
        return RetryPolicy.jittered(delay, multiplier, maxDelay, Jitter.EQUAL, attempt, random);
    }

    @Override
    public String toString() {
        return "DeferPolicy[maxAttempts=" + maxAttempts + ", delay=" + delay + ", multiplier=" + multiplier
                + ", maxDelay=" + maxDelay + "]";
    }
}
