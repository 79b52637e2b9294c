package dev.idem.annotation;

/**
 * The key could not be resolved from the arguments: the expression or the {@link IdempotencyKey}
 * parameter gave {@code null} or an empty string, or a property on its path could not be read.
 * Nothing runs. Maps to HTTP 400 Bad Request.
 */
public class IdempotencyKeyException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the method, the expression and what was missing
     * @param cause the failure reading a property, or {@code null}
     */
    public IdempotencyKeyException(String message, Throwable cause) {
        super(null, message, cause);
    }
}
