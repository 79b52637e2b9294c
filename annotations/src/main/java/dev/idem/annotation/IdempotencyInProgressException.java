package dev.idem.annotation;

import java.time.Instant;

/**
 * Another call with the same key is still running: thrown at once with {@link InProgress#REJECT}, or
 * after {@link Idempotent#waitTimeout()} with {@link InProgress#WAIT}. Maps to HTTP 409 Conflict; the
 * caller should try again later, for example after {@link #leaseUntil()}.
 */
public class IdempotencyInProgressException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    private final Instant leaseUntil;

    /**
     * @param key the full key
     * @param leaseUntil when the running call's lease ends (store clock), or {@code null} if unknown
     * @param message what happened
     */
    public IdempotencyInProgressException(String key, Instant leaseUntil, String message) {
        super(key, message, null);
        this.leaseUntil = leaseUntil;
    }

    /** When the running call's lease ends by the store's clock, unless it is renewed; may be null. */
    public Instant leaseUntil() {
        return leaseUntil;
    }
}
