package dev.idem.kafka;

/**
 * What became of one delivery of a record, as {@link IdempotentConsumer#handle} reports it. Every
 * outcome here is settled: delivering the record again would change nothing, so its offset may be
 * committed. A delivery that is not settled (the handler failed and the key was released, another
 * consumer still holds the key past the wait, the store is down) is not an outcome: {@code handle}
 * throws, and the record must be delivered again.
 */
public enum RecordOutcome {
    /** The handler ran to completion and its completion is recorded in the store. */
    PROCESSED,
    /** An earlier delivery's completion is recorded: the handler did not run. */
    DUPLICATE,
    /**
     * The handler failed and the failure is remembered ({@code onFailure = REMEMBER}): this and every
     * later delivery of the key is settled as failed, without running the handler. Visible in the audit.
     */
    FAILED,
    /**
     * The handler called a deferring method ({@code @Retryable(defer = true)}) that gave up for now: the
     * work is stored as a scheduled job that a worker runs later.
     */
    DEFERRED,
    /** The key's deferred attempts are exhausted; it waits for an operator to requeue or cancel it. */
    DEAD,
    /**
     * The record can never be processed as it is: its key source found no key, or its key was already
     * used with another payload (a fingerprint mismatch). Logged as a warning and skipped.
     */
    REJECTED
}
