package dev.idem;

import dev.idem.annotation.IdempotencyException;
import dev.idem.annotation.Jitter;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How a call is retried: attempts, exponential backoff with jitter, a total duration, which failures
 * are retried, a per-method retry budget and, optionally, deferral to a background worker. The
 * programmatic twin of {@link dev.idem.annotation.Retryable}, with the same defaults. Immutable and
 * thread-safe; build one with {@link #builder()}.
 */
public final class RetryPolicy {

    private static final int MAX_CAUSE_DEPTH = 32;

    private final int maxAttempts;
    private final Duration delay;
    private final double multiplier;
    private final Duration maxDelay;
    private final Jitter jitter;
    private final Duration maxDuration;
    private final List<Class<? extends Throwable>> includes;
    private final List<Class<? extends Throwable>> excludes;
    private final boolean budget;
    private final double budgetRatio;
    private final int budgetMinPerSecond;
    private final DeferPolicy defer;

    private RetryPolicy(Builder builder) {
        this.maxAttempts = builder.maxAttempts;
        this.delay = builder.delay;
        this.multiplier = builder.multiplier;
        this.maxDelay = builder.maxDelay;
        this.jitter = builder.jitter;
        this.maxDuration = builder.maxDuration;
        this.includes = List.copyOf(builder.includes);
        this.excludes = List.copyOf(builder.excludes);
        this.budget = builder.budget;
        this.budgetRatio = builder.budgetRatio;
        this.budgetMinPerSecond = builder.budgetMinPerSecond;
        this.defer = builder.defer;
    }

    /** A builder with the defaults of {@link dev.idem.annotation.Retryable}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this policy's values. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.maxAttempts = maxAttempts;
        builder.delay = delay;
        builder.multiplier = multiplier;
        builder.maxDelay = maxDelay;
        builder.jitter = jitter;
        builder.maxDuration = maxDuration;
        builder.includes = includes;
        builder.excludes = excludes;
        builder.budget = budget;
        builder.budgetRatio = budgetRatio;
        builder.budgetMinPerSecond = budgetMinPerSecond;
        builder.defer = defer;
        return builder;
    }

    /** Total attempts, the first included. */
    public int maxAttempts() {
        return maxAttempts;
    }

    /** The delay before the first retry, before jitter. */
    public Duration delay() {
        return delay;
    }

    /** The growth factor of the delay. */
    public double multiplier() {
        return multiplier;
    }

    /** The cap on a single delay. */
    public Duration maxDelay() {
        return maxDelay;
    }

    /** How delays are randomised. */
    public Jitter jitter() {
        return jitter;
    }

    /** The longest time all attempts may take, or {@code null} for no limit. */
    public Duration maxDuration() {
        return maxDuration;
    }

    /** The failure types retried (with their subtypes and as causes); empty means every Exception. */
    public List<Class<? extends Throwable>> includes() {
        return includes;
    }

    /** The failure types never retried; they win over {@link #includes()}. */
    public List<Class<? extends Throwable>> excludes() {
        return excludes;
    }

    /** Whether retries draw from a per-method budget. */
    public boolean budget() {
        return budget;
    }

    /** The budget's retries per call. */
    public double budgetRatio() {
        return budgetRatio;
    }

    /** The retries per second the budget always allows. */
    public int budgetMinPerSecond() {
        return budgetMinPerSecond;
    }

    /** How exhausted calls are deferred, or {@code null} when they fail instead. */
    public DeferPolicy defer() {
        return defer;
    }

    /**
     * Whether {@code failure} is of a kind this policy retries. Idem's own exceptions and
     * {@link InterruptedException} (a cancellation) never are; then {@link #excludes()} win; then
     * {@link #includes()}, or any {@link Exception} when none are set. Excludes and includes also match
     * the failure's causes.
     */
    public boolean retries(Throwable failure) {
        if (failure instanceof IdempotencyException || failure instanceof InterruptedException) {
            return false;
        }
        if (matches(excludes, failure)) {
            return false;
        }
        return includes.isEmpty() ? failure instanceof Exception : matches(includes, failure);
    }

    /**
     * The delay before retry number {@code retry} (1 for the first retry):
     * {@code min(maxDelay, delay * multiplier^(retry-1))}, then jittered with {@code random} in [0, 1).
     */
    public Duration delayBefore(int retry, double random) {
        return jittered(delay, multiplier, maxDelay, jitter, retry, random);
    }

    static Duration jittered(Duration delay, double multiplier, Duration maxDelay, Jitter jitter, int retry,
            double random) {
        double backoff = Math.min(delay.toNanos() * Math.pow(multiplier, retry - 1), maxDelay.toNanos());
        double jitteredNanos;
        switch (jitter) {
            case FULL:
                jitteredNanos = backoff * random;
                break;
            case EQUAL:
                jitteredNanos = backoff / 2 + backoff / 2 * random;
                break;
            default:
                jitteredNanos = backoff;
        }
        return Duration.ofNanos((long) jitteredNanos);
    }

    private static boolean matches(List<Class<? extends Throwable>> types, Throwable failure) {
        if (types.isEmpty()) {
            return false;
        }
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.size() < MAX_CAUSE_DEPTH && seen.add(t); t = t.getCause()) {
            for (Class<? extends Throwable> type : types) {
                if (type.isInstance(t)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "RetryPolicy[maxAttempts=" + maxAttempts + ", delay=" + delay + ", multiplier=" + multiplier
                + ", maxDelay=" + maxDelay + ", jitter=" + jitter + ", maxDuration=" + maxDuration
                + ", includes=" + includes + ", excludes=" + excludes + ", budget=" + budget
                + (budget ? "(" + budgetRatio + ", " + budgetMinPerSecond + "/s)" : "") + ", defer=" + defer + "]";
    }

    /** Builds a {@link RetryPolicy}; not thread-safe. */
    public static final class Builder {
        private int maxAttempts = 3;
        private Duration delay = Duration.ofMillis(100);
        private double multiplier = 2.0;
        private Duration maxDelay = Duration.ofSeconds(10);
        private Jitter jitter = Jitter.FULL;
        private Duration maxDuration;
        private List<Class<? extends Throwable>> includes = List.of();
        private List<Class<? extends Throwable>> excludes = List.of();
        private boolean budget = true;
        private double budgetRatio = 0.2;
        private int budgetMinPerSecond = 10;
        private DeferPolicy defer;

        private Builder() {
        }

        /** Total attempts, the first included; at least 1. Default 3. */
        public Builder maxAttempts(int maxAttempts) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1 (the first attempt): " + maxAttempts);
            }
            this.maxAttempts = maxAttempts;
            return this;
        }

        /** The delay before the first retry; zero or more. Default 100 ms. */
        public Builder delay(Duration delay) {
            Durations.requireNotNegative(delay, "delay");
            this.delay = delay;
            return this;
        }

        /** The growth factor; at least 1. Default 2. */
        public Builder multiplier(double multiplier) {
            if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be a finite number of at least 1: " + multiplier);
            }
            this.multiplier = multiplier;
            return this;
        }

        /** The cap on a single delay; zero or more. Default 10 s. */
        public Builder maxDelay(Duration maxDelay) {
            Durations.requireNotNegative(maxDelay, "maxDelay");
            this.maxDelay = maxDelay;
            return this;
        }

        /** How delays are randomised. Default {@link Jitter#FULL}. */
        public Builder jitter(Jitter jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        /** The longest time all attempts may take; {@code null} (the default) for no limit. */
        public Builder maxDuration(Duration maxDuration) {
            if (maxDuration != null) {
                Durations.requirePositive(maxDuration, "maxDuration");
            }
            this.maxDuration = maxDuration;
            return this;
        }

        /** The failure types to retry; none (the default) means every Exception. */
        @SafeVarargs
        public final Builder includes(Class<? extends Throwable>... types) {
            this.includes = List.of(types);
            return this;
        }

        /** The failure types never to retry. */
        @SafeVarargs
        public final Builder excludes(Class<? extends Throwable>... types) {
            this.excludes = List.of(types);
            return this;
        }

        /** Whether retries draw from a per-method budget. Default on. */
        public Builder budget(boolean budget) {
            this.budget = budget;
            return this;
        }

        /** The budget's retries per call (0.2 = at most 20% extra calls) and its floor per second. */
        public Builder budget(double ratio, int minPerSecond) {
            if (!(ratio >= 0) || Double.isInfinite(ratio)) {
                throw new IllegalArgumentException("budget ratio must be a finite number of at least 0: " + ratio);
            }
            if (minPerSecond < 0) {
                throw new IllegalArgumentException("budget minimum per second must be at least 0: " + minPerSecond);
            }
            this.budget = true;
            this.budgetRatio = ratio;
            this.budgetMinPerSecond = minPerSecond;
            return this;
        }

        /** Defers exhausted calls with {@code defer}; {@code null} (the default) fails them instead. */
        public Builder defer(DeferPolicy defer) {
            this.defer = defer;
            return this;
        }

        /** The policy. */
        public RetryPolicy build() {
            if (maxDelay.compareTo(delay) < 0) {
                throw new IllegalArgumentException("maxDelay (" + maxDelay + ") is shorter than delay (" + delay + ")");
            }
            return new RetryPolicy(this);
        }
    }
}
