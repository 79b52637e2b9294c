package dev.idem.store;

/** The answer to an operator's requeue or cancel. */
public enum OperatorResult {
    /** Done. */
    DONE,
    /** The key has no record. */
    NOT_FOUND,
    /** The record's state does not allow it (for example, cancelling a completed call). */
    WRONG_STATE
}
