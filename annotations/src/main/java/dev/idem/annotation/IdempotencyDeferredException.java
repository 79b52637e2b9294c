package dev.idem.annotation;

import java.time.Instant;

/**
 * The call was accepted for later: its in-process attempts failed (see {@link #getCause()}) and it is
 * stored as a deferred job that a background worker re-invokes at {@link #nextAttemptAt()}; or a
 * duplicate arrived for a call that is already waiting as such a job. Maps to HTTP 202 Accepted.
 */
public class IdempotencyDeferredException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    private final Instant nextAttemptAt;

    /**
     * @param key the full key of the deferred job
     * @param nextAttemptAt when the next attempt is due by the store's clock, or {@code null}
     * @param message what happened
     * @param cause the last failure of the in-process attempts, or {@code null} for a duplicate
     */
    public IdempotencyDeferredException(String key, Instant nextAttemptAt, String message, Throwable cause) {
        super(key, message, cause);
        this.nextAttemptAt = nextAttemptAt;
    }

    /** When the next attempt is due by the store's clock; may be null when the store did not say. */
    public Instant nextAttemptAt() {
        return nextAttemptAt;
    }
}
