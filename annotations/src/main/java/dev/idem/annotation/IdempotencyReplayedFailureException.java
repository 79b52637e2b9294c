package dev.idem.annotation;

/**
 * Replays a failure remembered with {@link OnFailure#REMEMBER} when the original exception type cannot
 * be rebuilt safely (it is not one of the method's {@link Idempotent#rememberOn()} types, or it has no
 * {@code (String)} or no-argument constructor). Carries the original type and message.
 */
public class IdempotencyReplayedFailureException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    private final String originalType;
    private final String originalMessage;

    /**
     * @param key the full key
     * @param originalType the class name of the remembered failure
     * @param originalMessage its (shortened) message, or {@code null}
     */
    public IdempotencyReplayedFailureException(String key, String originalType, String originalMessage) {
        super(key, "replayed failure of key '" + key + "': " + originalType
                + (originalMessage == null ? "" : ": " + originalMessage), null);
        this.originalType = originalType;
        this.originalMessage = originalMessage;
    }

    /** The class name of the remembered failure. */
    public String originalType() {
        return originalType;
    }

    /** The shortened message of the remembered failure; may be null. */
    public String originalMessage() {
        return originalMessage;
    }
}
