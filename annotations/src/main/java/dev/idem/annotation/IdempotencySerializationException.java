package dev.idem.annotation;

/**
 * A result, saved step or argument could not be encoded or decoded by the codec, or its encoded form
 * is larger than the configured limit. The message names the method, the key, the type and the size.
 */
public class IdempotencySerializationException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param key the full key, or {@code null}
     * @param message what could not be encoded or decoded, and what to do
     * @param cause the codec's exception, or {@code null}
     */
    public IdempotencySerializationException(String key, String message, Throwable cause) {
        super(key, message, cause);
    }
}
