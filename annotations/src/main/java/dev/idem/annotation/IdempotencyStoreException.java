package dev.idem.annotation;

/**
 * The store failed in a way that is not a plain outage: a record it holds cannot be read (corrupted by
 * hand, written by an incompatible version), or it refused a value. The call does not run.
 */
public class IdempotencyStoreException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param key the full key, or {@code null}
     * @param message what happened and what to do
     * @param cause the store client's exception, or {@code null}
     */
    public IdempotencyStoreException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
