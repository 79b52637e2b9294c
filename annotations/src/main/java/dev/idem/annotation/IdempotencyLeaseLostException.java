package dev.idem.annotation;

/**
 * This call no longer owns its key: its lease ran out and another caller took the key over, so the
 * store refused this call's write (its fencing token is stale). The other owner's outcome stands; this
 * call's result or saved step was not recorded.
 */
public class IdempotencyLeaseLostException extends IdempotencyException {

    private static final long serialVersionUID = 1L;

    private final long token;

    /**
     * @param key the full key
     * @param token the stale fencing token this call held
     * @param message what happened
     */
    public IdempotencyLeaseLostException(String key, long token, String message) {
        super(key, message, null);
        this.token = token;
    }

    /** The fencing token this call held, now stale. */
    public long token() {
        return token;
    }
}
