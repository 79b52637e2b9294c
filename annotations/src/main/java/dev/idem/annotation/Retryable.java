package dev.idem.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Retries a method on the caller's thread when it throws a transient failure, with exponential backoff
 * and jitter, within an attempt limit, a total duration and a per-method retry budget.
 *
 * <p>The delay before retry {@code n} (1-based) is {@code min(maxDelay, delay * multiplier^(n-1))},
 * randomised by {@link #jitter()}. On an {@link Idempotent} method, idempotency is outermost: one claim
 * covers all attempts and the result is stored only after the final outcome.
 *
 * <p>When the attempts are exhausted by a retryable failure the last failure is rethrown, or, with
 * {@link #defer()}, the call is stored for a background worker and the caller gets
 * {@link IdempotencyDeferredException}. Durations are strings as in {@link Idempotent}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Retryable {

    /** Alias for {@link #includes()}. */
    Class<? extends Throwable>[] value() default {};

    /**
     * The failures to retry: a failure is retried when it, or one of its causes, is an instance of one
     * of these. Empty (the default) retries every {@link Exception}; {@link Error}s are never retried
     * unless listed here.
     */
    Class<? extends Throwable>[] includes() default {};

    /** The failures never to retry, even when they match {@link #includes()}. They win over includes. */
    Class<? extends Throwable>[] excludes() default {};

    /** Total number of attempts, the first one included. Default 3; 1 disables retries. */
    int maxAttempts() default 3;

    /** The delay before the first retry. Default {@code "100ms"}. */
    String delay() default "100ms";

    /** The factor by which the delay grows after each retry. Default 2; 1 keeps it fixed. */
    double multiplier() default 2.0;

    /** The cap on any single delay. Default {@code "10s"}. */
    String maxDelay() default "10s";

    /** How delays are randomised. Default {@link Jitter#FULL}. */
    Jitter jitter() default Jitter.FULL;

    /**
     * The longest time all attempts together may take, measured from the start of the first attempt;
     * no retry starts that would end its delay past it. Empty (the default) means no limit.
     */
    String maxDuration() default "";

    /**
     * Whether retries of this method draw from a retry budget shared by all its callers in this JVM, so
     * that a dependency that is down does not receive a retry storm. On by default.
     */
    boolean budget() default true;

    /**
     * The budget's share of retries per call: with 0.2 (the default), retries may add at most 20% to the
     * calls this method makes, beyond {@link #budgetMinPerSecond()}.
     */
    double budgetRatio() default 0.2;

    /** Retries per second the budget always allows, however few calls there are. Default 10. */
    int budgetMinPerSecond() default 10;

    /**
     * Whether a call whose attempts are exhausted by a retryable failure is stored and re-invoked later
     * by a background worker instead of failing. Off by default. The caller then gets
     * {@link IdempotencyDeferredException} ("accepted for later", HTTP 202).
     */
    boolean defer() default false;

    /** With {@link #defer()}: how many deferred attempts are made before the job is dead. Default 10. */
    int deferMaxAttempts() default 10;

    /** With {@link #defer()}: the delay before the first deferred attempt. Default {@code "1m"}. */
    String deferDelay() default "1m";

    /** With {@link #defer()}: the growth factor of deferred delays. Default 2. */
    double deferMultiplier() default 2.0;

    /** With {@link #defer()}: the cap on a deferred delay. Default {@code "1h"}. */
    String deferMaxDelay() default "1h";
}
