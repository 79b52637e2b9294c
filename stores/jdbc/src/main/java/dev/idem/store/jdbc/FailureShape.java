package dev.idem.store.jdbc;

import dev.idem.store.AuditEvent;
import dev.idem.store.FailureOutcome;
import dev.idem.store.RecordState;
import java.time.Duration;

/**
 * What a failure outcome writes, as columns: the state and event, the delay until the next attempt, the
 * time to live, whether the steps and invocation are dropped, and the new invocation. Immutable.
 *
 * @param delay the delay before {@code next_attempt_at}, or {@code null} for none
 * @param ttl the time until {@code expires_at}, or {@code null} for none
 * @param forgets whether saved steps and the invocation are dropped (a remembered failure)
 * @param invocation the invocation to store, or {@code null} to keep the stored one
 */
record FailureShape(RecordState state, AuditEvent event, Duration delay, Duration ttl, boolean forgets,
        byte[] invocation) {

    static FailureShape of(FailureOutcome outcome) {
        if (outcome instanceof FailureOutcome.Release release) {
            return new FailureShape(RecordState.RELEASED, AuditEvent.RELEASED, null, release.ttl(), false, null);
        }
        if (outcome instanceof FailureOutcome.Remember remember) {
            return new FailureShape(RecordState.FAILED, AuditEvent.FAILED, null, remember.ttl(), true, null);
        }
        if (outcome instanceof FailureOutcome.Schedule schedule) {
            return new FailureShape(RecordState.SCHEDULED, AuditEvent.SCHEDULED, schedule.delay(), null, false,
                    schedule.invocation());
        }
        return new FailureShape(RecordState.DEAD, AuditEvent.DEAD, null, null, false, null);
    }
}
