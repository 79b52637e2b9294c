package dev.idem.spring;

import dev.idem.store.IdempotencyStore;

/**
 * Hears how each guarded call ended, for metrics. The advisor and the {@code Idempotency-Key} filter
 * report every call once, and every in-process retry; {@link #observe(IdempotencyStore)} may wrap the
 * store to time its operations. Implementations must be thread-safe and must not throw.
 */
public interface IdemObserver {

    /** Where a call came from. */
    enum Source {
        /** A method with {@code @Idempotent} or {@code @Retryable}, through the advisor. */
        METHOD,
        /** An HTTP request with an {@code Idempotency-Key}, through the filter. */
        HTTP;

        /** The tag value: {@code method} or {@code http}. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** How a call ended. */
    enum Outcome {
        /** The body ran and its outcome was recorded as a success. */
        EXECUTED,
        /** The body ran and failed (after its retries); the key was released or the failure remembered. */
        FAILED,
        /** A stored result or remembered failure was returned; the body did not run. */
        REPLAYED,
        /** A duplicate was refused because the first call was still running. */
        IN_PROGRESS,
        /** The key was reused with other arguments (another payload). */
        MISMATCH,
        /** The call was accepted for later: a deferred job runs it. */
        DEFERRED,
        /** The call's deferred attempts were exhausted. */
        DEAD,
        /** The call had no key. */
        KEY_MISSING,
        /** The store could not be reached, so the body did not run. */
        STORE_UNAVAILABLE,
        /** Any other Idem failure (a stored result that cannot be read, a lost lease, ...). */
        ERROR;

        /** The tag value: the name in lower case, {@code in_progress} for example. */
        public String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One call ended.
     *
     * @param name the namespace of the call's keys ({@code com.example.Payments#charge} by default): a
     *     value per method or endpoint, never the key
     */
    void onCall(String name, Source source, Outcome outcome);

    /** The body of a call under {@code name} is about to run again after a retryable failure. */
    void onRetry(String name);

    /** The store the engine should use; the default returns {@code store} unchanged. */
    default IdempotencyStore observe(IdempotencyStore store) {
        return store;
    }

    /** An observer that ignores everything. */
    static IdemObserver none() {
        return NoObserver.INSTANCE;
    }
}
