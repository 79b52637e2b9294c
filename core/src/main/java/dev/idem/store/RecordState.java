package dev.idem.store;

/** The state of the one record a key has in a store. */
public enum RecordState {
    /** A call holds the key under a lease (owner, expiry, fencing token). */
    IN_PROGRESS,
    /** The call finished; its result is replayed until the record expires. */
    COMPLETED,
    /** The call failed and the method remembers failures; the failure is replayed until expiry. */
    FAILED,
    /** The call failed and the key was released: the next claim runs it again (saved steps are kept). */
    RELEASED,
    /** A deferred attempt is due at {@code nextAttemptAt}; a worker (or a redelivery) claims it then. */
    SCHEDULED,
    /** Deferred attempts are exhausted; the record waits for an operator to requeue or cancel it. */
    DEAD;

    /** Whether a record in this state is removed once its {@code expiresAt} has passed. */
    public boolean expires() {
        return this == COMPLETED || this == FAILED || this == RELEASED;
    }
}
