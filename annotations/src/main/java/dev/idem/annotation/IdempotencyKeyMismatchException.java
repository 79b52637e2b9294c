package dev.idem.annotation;

/**
 * The key was already used with other arguments (their fingerprints differ). Nothing runs. Maps to
 * HTTP 422 Unprocessable Content; the client must use a new key for a new request.
 */
public class IdempotencyKeyMismatchException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    /**
     * @param key the full key
     * @param message what happened
     */
    public IdempotencyKeyMismatchException(String key, String message) {
        super(key, message, null);
    }
}
