package dev.idem.annotation;

/**
 * An annotation, key expression or setting is invalid. Thrown when a method is registered (at startup),
 * never in the middle of a call; the message names the method, the attribute or expression, and what
 * to change.
 */
public class IdempotencyConfigurationException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong and where
     * @param cause the parse or lookup failure, or {@code null}
     */
    public IdempotencyConfigurationException(String message, Throwable cause) {
        super(null, message, cause);
    }
}
