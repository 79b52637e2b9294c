package dev.idem.annotation;

/** What a duplicate call does while the first call with its key is still running. */
public enum InProgress {
    /** Wait (bounded by {@link Idempotent#waitTimeout()}) for the first call, then return its result. */
    WAIT,
    /** Throw {@link IdempotencyInProgressException} at once (HTTP 409). */
    REJECT
}
