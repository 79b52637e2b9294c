package dev.idem.annotation;

/**
 * The key belongs to a job whose attempts are exhausted; it waits for an operator to requeue or cancel
 * it. The body does not run.
 */
public class IdempotencyDeadException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    private final String lastErrorType;
    private final String lastErrorMessage;

    /**
     * @param key the full key
     * @param lastErrorType the class name of the last failure, or {@code null}
     * @param lastErrorMessage its (shortened) message, or {@code null}
     * @param message what happened and what to do
     * @param cause the failure that made the job dead when it happened in this call, else {@code null}
     */
    public IdempotencyDeadException(String key, String lastErrorType, String lastErrorMessage, String message,
            Throwable cause) {
        super(key, message, cause);
        this.lastErrorType = lastErrorType;
        this.lastErrorMessage = lastErrorMessage;
    }

    /** The class name of the failure that made the job dead; may be null. */
    public String lastErrorType() {
        return lastErrorType;
    }

    /** The shortened message of that failure; may be null. */
    public String lastErrorMessage() {
        return lastErrorMessage;
    }
}
