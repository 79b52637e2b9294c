package dev.idem.store.jdbc;

import dev.idem.store.AuditEvent;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.store.RecordState;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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

    /**
     * Binds the parameters every dialect's fenced failure update starts with: state, event, error type and
     * message, delay, ttl, the invocation (dropped or replaced), whether steps are kept, then key and token.
     *
     * @return the index of the next parameter
     */
    int bind(PreparedStatement statement, Failure failure) throws SQLException {
        statement.setString(1, state.name());
        statement.setString(2, event.name());
        statement.setString(3, AuditRow.errorType(failure.error()));
        statement.setString(4, failure.error().message());
        Micros.bind(statement, 5, delay);
        Micros.bind(statement, 6, ttl);
        statement.setBoolean(7, forgets);
        statement.setBytes(8, invocation);
        statement.setBoolean(9, !forgets);
        statement.setString(10, failure.key());
        statement.setLong(11, failure.token());
        return 12;
    }
}
