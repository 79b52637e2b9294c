package dev.idem.store.jdbc;

import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.DueJob;
import dev.idem.store.Failure;
import dev.idem.store.OperatorResult;
import dev.idem.store.StepWrite;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/**
 * The writes of the store contract in one dialect, each one atomic step on the given connection (which
 * is in auto-commit mode) that appends its audit entry in the same step. Arguments are already
 * validated. Implementations are thread-safe.
 */
interface Operations {

    ClaimResult claim(Connection connection, ClaimRequest request) throws SQLException;

    boolean complete(Connection connection, Completion completion) throws SQLException;

    boolean fail(Connection connection, Failure failure) throws SQLException;

    boolean saveStep(Connection connection, StepWrite write) throws SQLException;

    List<DueJob> claimDue(Connection connection, int limit, Duration lease, String node) throws SQLException;

    OperatorResult requeue(Connection connection, String key, String node) throws SQLException;

    OperatorResult cancel(Connection connection, String key, Duration retention, String node) throws SQLException;

    /** Removes up to {@code limit} expired records with their history and steps in one short step. */
    int purgeBatch(Connection connection, int limit) throws SQLException;
}
