package dev.idem.store;

/** The transition an {@link AuditEntry} records. */
public enum AuditEvent {
    /** A new claim: the key was absent, expired or released. */
    CLAIMED,
    /** A claim took over an {@code IN_PROGRESS} record whose lease had run out. */
    TAKEN_OVER,
    /** A claim picked up a due {@code SCHEDULED} record (a deferred attempt starts). */
    RESUMED,
    /** The owner stored the result. */
    COMPLETED,
    /** The owner's failure is remembered and will be replayed. */
    FAILED,
    /** The owner's failure released the key. */
    RELEASED,
    /** The owner's failure deferred the call to {@code nextAttemptAt}. */
    SCHEDULED,
    /** The owner's failure exhausted the attempts. */
    DEAD,
    /** The owner saved a step; the entry's detail is the step name. */
    STEP_SAVED,
    /** An operator made a dead or scheduled record due now. */
    REQUEUED,
    /** An operator cancelled a scheduled or dead record; the key is released. */
    CANCELLED
}
