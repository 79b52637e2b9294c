package dev.idem.store.jdbc;

import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.DueJob;
import dev.idem.store.ErrorInfo;
import dev.idem.store.Failure;
import dev.idem.store.OperatorResult;
import dev.idem.store.StepWrite;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The writes on MariaDB/MySQL and H2, each one short transaction: a fenced or conditional {@code UPDATE}
 * (or the {@code INSERT} of a new key), the steps, and the history row copied from the written record,
 * committed together. A claim first reads the record outside a transaction, so a duplicate costs one
 * statement; when it may take the record, it writes with a compare-and-set on the token and history
 * sequence it read and reads again if another client got there first. Thread-safe.
 */
final class TransactionalOperations implements Operations {

    /** How many read-then-write rounds a claim makes before giving up on a key that changes under it. */
    private static final int CLAIM_ROUNDS = 10;

    private final Database database;
    private final Queries queries;
    private final Schema schema;
    private final JdbcDialect dialect;
    private final String read;
    private final String insert;
    private final String startAfresh;
    private final String takeOver;
    private final String deleteSteps;
    private final String audit;
    private final String complete;
    private final String fail;
    private final String markStepSaved;
    private final String saveStep;
    private final String requeue;
    private final String cancel;
    private final String exists;
    private final String due;
    private final String expired;

    TransactionalOperations(Database database, Queries queries, Schema schema) {
        this.database = database;
        this.queries = queries;
        this.schema = schema;
        this.dialect = schema.dialect;
        this.read = schema.expand("SELECT {now} AS db_now, " + Schema.RECORD_COLUMNS
                + " FROM {records} WHERE record_key = ?");
        this.insert = schema.expand("""
                INSERT INTO {records} (record_key, original_key, state, last_event, fingerprint, token, attempt,
                    owner_node, created_at, updated_at, lease_until, has_steps, audit_seq)
                VALUES (?, ?, 'IN_PROGRESS', 'CLAIMED', ?, 1, 1, ?, {now}, {now}, {later}, FALSE, 1)""");
        // MySQL assigns left to right and later assignments see earlier ones, so no assignment below reads
        // a column that an earlier one wrote.
        this.startAfresh = schema.expand("""
                UPDATE {records} SET original_key = ?, state = 'IN_PROGRESS', last_event = 'CLAIMED', fingerprint = ?,
                    token = token + 1, attempt = 1, owner_node = ?, created_at = {now}, updated_at = {now},
                    lease_until = {later}, next_attempt_at = NULL, expires_at = NULL, result = NULL, error_type = NULL,
                    error_message = NULL, invocation = NULL, has_steps = FALSE, audit_seq = audit_seq + 1
                WHERE record_key = ? AND token = ? AND audit_seq = ?
                    AND state IN ('COMPLETED', 'FAILED', 'RELEASED') AND expires_at <= {now}""");
        this.takeOver = schema.expand("""
                UPDATE {records} SET state = 'IN_PROGRESS', last_event = ?, fingerprint = COALESCE(fingerprint, ?),
                    token = token + 1, attempt = attempt + 1, owner_node = ?, updated_at = {now},
                    lease_until = {later}, next_attempt_at = NULL, expires_at = NULL, audit_seq = audit_seq + 1
                WHERE record_key = ? AND token = ? AND audit_seq = ?
                    AND ((state = 'IN_PROGRESS' AND lease_until <= {now})
                        OR (state = 'RELEASED' AND expires_at > {now})
                        OR (state = 'SCHEDULED' AND next_attempt_at <= {now}))""");
        this.deleteSteps = schema.expand("DELETE FROM {steps} WHERE record_key = ?");
        this.audit = AuditRow.insert(schema, schema.records + " WHERE record_key = ?");
        this.complete = fenced("""
                state = 'COMPLETED', last_event = 'COMPLETED', result = ?, error_type = NULL, error_message = NULL,
                invocation = NULL, has_steps = FALSE, lease_until = NULL, next_attempt_at = NULL,
                expires_at = {later}""");
        this.fail = fenced("""
                state = ?, last_event = ?, error_type = ?, error_message = ?, lease_until = NULL,
                next_attempt_at = {later}, expires_at = {later},
                invocation = CASE WHEN ? THEN NULL ELSE COALESCE(?, invocation) END, has_steps = has_steps AND ?""");
        this.markStepSaved = fenced("has_steps = TRUE, last_event = 'STEP_SAVED'");
        this.saveStep = schema.expand(dialect == JdbcDialect.MARIADB
                ? "INSERT INTO {steps} (record_key, step_name, step_value) VALUES (?, ?, ?) "
                        + "ON DUPLICATE KEY UPDATE step_value = VALUES(step_value)"
                : "MERGE INTO {steps} (record_key, step_name, step_value) KEY (record_key, step_name) VALUES (?, ?, ?)");
        this.requeue = operator("state = 'SCHEDULED', last_event = 'REQUEUED', next_attempt_at = {now}, attempt = 0");
        this.cancel = operator("state = 'RELEASED', last_event = 'CANCELLED', next_attempt_at = NULL, "
                + "expires_at = {later}");
        this.exists = schema.expand("SELECT COUNT(*) FROM {records} WHERE record_key = ?");
        this.due = schema.expand("SELECT record_key, token, attempt, has_steps, invocation, fingerprint FROM {records} "
                + "WHERE state = 'SCHEDULED' AND next_attempt_at <= {now} ORDER BY next_attempt_at LIMIT ? "
                + "FOR UPDATE SKIP LOCKED");
        this.expired = schema.expand("SELECT record_key FROM {records} WHERE expires_at <= {now} "
                + "AND state IN ('COMPLETED', 'FAILED', 'RELEASED') ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED");
    }

    /** A fenced write of an {@code IN_PROGRESS} record: {@code assignments} (binds first), then key and token. */
    private String fenced(String assignments) {
        return schema.expand("UPDATE {records} SET " + assignments + ", updated_at = {now}, audit_seq = audit_seq + 1 "
                + "WHERE record_key = ? AND token = ? AND state = 'IN_PROGRESS'");
    }

    /** An operator's write of a {@code DEAD} or {@code SCHEDULED} record: {@code assignments}, then the key. */
    private String operator(String assignments) {
        return schema.expand("UPDATE {records} SET " + assignments + ", updated_at = {now}, audit_seq = audit_seq + 1 "
                + "WHERE record_key = ? AND state IN ('DEAD', 'SCHEDULED')");
    }

    @Override
    public ClaimResult claim(Connection connection, ClaimRequest request) throws SQLException {
        for (int round = 1; round <= CLAIM_ROUNDS; round++) {
            Instant now;
            StoredRecord record;
            try (PreparedStatement statement = database.prepare(connection, read)) {
                statement.setString(1, request.key());
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        if (insert(connection, request)) {
                            return new ClaimResult.Claimed(1, 1, Map.of(), AuditEvent.CLAIMED);
                        }
                        continue;
                    }
                    now = dialect.readInstant(row, "db_now");
                    record = StoredRecord.read(row, dialect, schema.records);
                }
            }
            ClaimResult answer = record.answer(request, now);
            if (answer != null) {
                return answer;
            }
            ClaimResult claimed = Database.transaction(connection, c -> takeOver(c, request, record, now));
            if (claimed != null) {
                return claimed;
            }
        }
        throw new IdempotencyStoreUnavailableException(request.key(), database.name() + ": the record of key '"
                + request.key() + "' changed under " + CLAIM_ROUNDS + " claims in a row; the call was not run; try "
                + "again later", null);
    }

    /** Inserts the record of a new key; {@code false} when another client inserted it first. */
    private boolean insert(Connection connection, ClaimRequest request) throws SQLException {
        try {
            return Database.transaction(connection, c -> {
                try (PreparedStatement statement = database.prepare(c, insert)) {
                    statement.setString(1, request.key());
                    statement.setString(2, request.originalKey());
                    statement.setString(3, request.fingerprint());
                    statement.setString(4, request.node());
                    statement.setLong(5, Micros.of(request.lease()));
                    statement.executeUpdate();
                }
                audit(c, request.key(), request.node(), null, null, null);
                return true;
            });
        } catch (SQLException e) {
            if (dialect.duplicateKey(e)) {
                return false;
            }
            throw e;
        }
    }

    /** Takes the record over if it is still as read; {@code null} when it changed meanwhile. */
    private ClaimResult takeOver(Connection connection, ClaimRequest request, StoredRecord record, Instant now)
            throws SQLException {
        boolean afresh = record.expiredAt(now);
        AuditEvent event = record.takeoverEvent(now);
        try (PreparedStatement statement = database.prepare(connection, afresh ? startAfresh : takeOver)) {
            int index = 1;
            if (afresh) {
                statement.setString(index++, request.originalKey());
            } else {
                statement.setString(index++, event.name());
            }
            statement.setString(index++, request.fingerprint());
            statement.setString(index++, request.node());
            statement.setLong(index++, Micros.of(request.lease()));
            statement.setString(index++, request.key());
            statement.setLong(index++, record.token());
            statement.setLong(index, record.auditSeq());
            if (statement.executeUpdate() == 0) {
                return null;
            }
        }
        if (afresh) {
            deleteSteps(connection, request.key());
        }
        audit(connection, request.key(), request.node(), null, null, null);
        Map<String, byte[]> steps = !afresh && record.hasSteps()
                ? queries.steps(connection, List.of(request.key())).getOrDefault(request.key(), Map.of())
                : Map.of();
        return new ClaimResult.Claimed(record.token() + 1, afresh ? 1 : record.attempt() + 1, steps, event);
    }

    @Override
    public boolean complete(Connection connection, Completion completion) throws SQLException {
        return Database.transaction(connection, c -> {
            try (PreparedStatement statement = database.prepare(c, complete)) {
                statement.setBytes(1, completion.result());
                statement.setLong(2, Micros.of(completion.ttl()));
                statement.setString(3, completion.key());
                statement.setLong(4, completion.token());
                if (statement.executeUpdate() == 0) {
                    return false;
                }
            }
            deleteSteps(c, completion.key());
            audit(c, completion.key(), completion.node(), completion.elapsed(), null, null);
            return true;
        });
    }

    @Override
    public boolean fail(Connection connection, Failure failure) throws SQLException {
        FailureShape shape = FailureShape.of(failure.outcome());
        return Database.transaction(connection, c -> {
            try (PreparedStatement statement = database.prepare(c, fail)) {
                shape.bind(statement, failure);
                if (statement.executeUpdate() == 0) {
                    return false;
                }
            }
            if (shape.forgets()) {
                deleteSteps(c, failure.key());
            }
            audit(c, failure.key(), failure.node(), failure.elapsed(), failure.error(), null);
            return true;
        });
    }

    @Override
    public boolean saveStep(Connection connection, StepWrite write) throws SQLException {
        return Database.transaction(connection, c -> {
            try (PreparedStatement statement = database.prepare(c, markStepSaved)) {
                statement.setString(1, write.key());
                statement.setLong(2, write.token());
                if (statement.executeUpdate() == 0) {
                    return false;
                }
            }
            try (PreparedStatement statement = database.prepare(c, saveStep)) {
                statement.setString(1, write.key());
                statement.setString(2, write.step());
                statement.setBytes(3, write.value());
                statement.executeUpdate();
            }
            audit(c, write.key(), write.node(), null, null, write.step());
            return true;
        });
    }

    @Override
    public List<DueJob> claimDue(Connection connection, int limit, Duration lease, String node) throws SQLException {
        return Database.transaction(connection, c -> {
            List<DueJob> jobs = new ArrayList<>();
            List<String> withSteps = new ArrayList<>();
            try (PreparedStatement statement = database.prepare(c, due)) {
                statement.setInt(1, limit);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        jobs.add(new DueJob(rows.getString("record_key"), rows.getLong("token") + 1,
                                rows.getInt("attempt") + 1, Map.of(), rows.getBytes("invocation"),
                                rows.getString("fingerprint")));
                        if (rows.getBoolean("has_steps")) {
                            withSteps.add(rows.getString("record_key"));
                        }
                    }
                }
            }
            if (jobs.isEmpty()) {
                return jobs;
            }
            String keys = Queries.placeholders(jobs.size());
            String resume = schema.expand("UPDATE {records} SET state = 'IN_PROGRESS', last_event = 'RESUMED', "
                    + "token = token + 1, attempt = attempt + 1, owner_node = ?, updated_at = {now}, "
                    + "lease_until = {later}, next_attempt_at = NULL, expires_at = NULL, audit_seq = audit_seq + 1 "
                    + "WHERE record_key IN (" + keys + ")");
            try (PreparedStatement statement = database.prepare(c, resume)) {
                statement.setString(1, node);
                statement.setLong(2, Micros.of(lease));
                bindKeys(statement, 3, jobs);
                statement.executeUpdate();
            }
            try (PreparedStatement statement = database.prepare(c,
                    AuditRow.insert(schema, schema.records + " WHERE record_key IN (" + keys + ")"))) {
                int next = AuditRow.bind(statement, 1, node, null, null, null);
                bindKeys(statement, next, jobs);
                statement.executeUpdate();
            }
            return DueJobs.withSteps(jobs, withSteps.isEmpty() ? Map.of() : queries.steps(c, withSteps));
        });
    }

    @Override
    public OperatorResult requeue(Connection connection, String key, String node) throws SQLException {
        return Database.transaction(connection, c -> {
            try (PreparedStatement statement = database.prepare(c, requeue)) {
                statement.setString(1, key);
                return operated(c, statement, key, node);
            }
        });
    }

    @Override
    public OperatorResult cancel(Connection connection, String key, Duration retention, String node)
            throws SQLException {
        return Database.transaction(connection, c -> {
            try (PreparedStatement statement = database.prepare(c, cancel)) {
                statement.setLong(1, Micros.of(retention));
                statement.setString(2, key);
                return operated(c, statement, key, node);
            }
        });
    }

    @Override
    public int purgeBatch(Connection connection, int limit) throws SQLException {
        return Database.transaction(connection, c -> {
            List<String> doomed = new ArrayList<>();
            try (PreparedStatement statement = database.prepare(c, expired)) {
                statement.setInt(1, limit);
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        doomed.add(rows.getString(1));
                    }
                }
            }
            if (doomed.isEmpty()) {
                return 0;
            }
            String keys = Queries.placeholders(doomed.size());
            for (String table : new String[] {schema.history, schema.steps, schema.records}) {
                try (PreparedStatement statement = database.prepare(c,
                        "DELETE FROM " + table + " WHERE record_key IN (" + keys + ")")) {
                    for (int i = 0; i < doomed.size(); i++) {
                        statement.setString(i + 1, doomed.get(i));
                    }
                    statement.executeUpdate();
                }
            }
            return doomed.size();
        });
    }

    private OperatorResult operated(Connection connection, PreparedStatement update, String key, String node)
            throws SQLException {
        if (update.executeUpdate() == 1) {
            audit(connection, key, node, null, null, null);
            return OperatorResult.DONE;
        }
        try (PreparedStatement statement = database.prepare(connection, exists)) {
            statement.setString(1, key);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return row.getLong(1) == 0 ? OperatorResult.NOT_FOUND : OperatorResult.WRONG_STATE;
            }
        }
    }

    private void deleteSteps(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, deleteSteps)) {
            statement.setString(1, key);
            statement.executeUpdate();
        }
    }

    private void audit(Connection connection, String key, String node, Duration elapsed,
            ErrorInfo error, String detail) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, audit)) {
            int next = AuditRow.bind(statement, 1, node, elapsed, error, detail);
            statement.setString(next, key);
            statement.executeUpdate();
        }
    }

    private static void bindKeys(PreparedStatement statement, int from, List<DueJob> jobs) throws SQLException {
        for (int i = 0; i < jobs.size(); i++) {
            statement.setString(from + i, jobs.get(i).key());
        }
    }
}
