package dev.idem.annotation;

/**
 * The store could not be reached in time. Unless the method is {@link Idempotent#failOpen() fail-open},
 * the body did not run ("fail closed"). Maps to HTTP 503; the caller may try again later.
 */
public class IdempotencyStoreUnavailableException extends IdempotencyStoreException {

    private static final long serialVersionUID = 1L;

    /**
     * @param key the full key, or {@code null}
     * @param message what happened
     * @param cause the store client's exception, or {@code null}
     */
    public IdempotencyStoreUnavailableException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
