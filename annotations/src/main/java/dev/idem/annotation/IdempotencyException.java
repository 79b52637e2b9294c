package dev.idem.annotation;

/**
 * The base of every exception Idem itself throws to a caller. Catch a subtype to handle one situation;
 * catch this to handle them all. Instances are immutable.
 */
public class IdempotencyException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * @param key the full key ({@code namespace:key}) the exception is about, or {@code null} if none
     * @param message what happened and what to do about it
     * @param cause the underlying failure, or {@code null}
     */
    public IdempotencyException(String key, String message, Throwable cause) {
        super(message, cause);
        this.key = key;
    }

    /** The full key ({@code namespace:key}) this is about, or {@code null} when there is none yet. */
    public String key() {
        return key;
    }
}
