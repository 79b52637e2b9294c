package dev.idem.store.jdbc;

import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.DueJob;
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
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The writes on PostgreSQL: each operation is one auto-committed statement, so one round trip, whose
 * data-modifying CTEs change the record, its steps and its history together. A claim first only inserts
 * (a new key, the common case, and a duplicate, which it answers from the row it finds); a key whose record
 * may be taken over runs the full claim statement next. A claim that takes over a record with saved steps
 * reads them with another statement. The insert-only claim and the completion also have a form that
 * writes a group of calls in one statement ({@link #claimAllNew}, {@link #completeAll}). Thread-safe.
 */
final class PostgresOperations implements Operations {

    /** How many times a claim runs its statement before giving up on a key that changes under it. */
    private static final int CLAIM_ROUNDS = 10;

    /** The records columns a history row is copied from. */
    private static final String AUDITED = "record_key, audit_seq, last_event, state, attempt, token, updated_at, "
            + "fingerprint, has_steps";

    /** One claim of a group: key, original key, fingerprint, node and lease in microseconds. */
    private static final String CLAIM_ROW = "(CAST(? AS VARCHAR(255)), CAST(? AS TEXT), CAST(? AS VARCHAR(255)), "
            + "CAST(? AS VARCHAR(255)), CAST(? AS BIGINT))";

    /**
     * One completion of a group, a CTE named {@code #NAME}: a fenced update of one record, found by its key
     * alone. Binds result, time to live in microseconds, key, token, node and elapsed microseconds.
     */
    private static final String COMPLETION = """
            #NAME AS (
                UPDATE {records} r SET state = 'COMPLETED', last_event = 'COMPLETED', result = CAST(? AS BYTEA),
                    error_type = NULL, error_message = NULL, invocation = NULL, has_steps = FALSE, lease_until = NULL,
                    next_attempt_at = NULL, expires_at = now() + CAST(? AS BIGINT) * INTERVAL '1 microsecond',
                    updated_at = now(), audit_seq = r.audit_seq + 1
                WHERE r.record_key = CAST(? AS VARCHAR(255)) AND r.token = CAST(? AS BIGINT) AND r.state = 'IN_PROGRESS'
                RETURNING r.record_key, r.audit_seq, r.last_event, r.state, r.attempt, r.token, r.updated_at,
                    r.fingerprint, CAST(? AS VARCHAR(255)) AS node, CAST(? AS BIGINT) AS elapsed_micros
            )""";

    /** Whether the record {@code r} has expired, so that a claim starts it afresh. */
    private static final String EXPIRED = "(r.state IN ('COMPLETED', 'FAILED', 'RELEASED') AND r.expires_at <= now())";

    /** Whether a claim with fingerprint {@code #FINGERPRINT} may take the record {@code r}. */
    private static final String TAKEABLE = EXPIRED + """
             OR (NOT (r.fingerprint IS NOT NULL AND #FINGERPRINT IS NOT NULL AND r.fingerprint <> #FINGERPRINT)
                AND ((r.state = 'IN_PROGRESS' AND r.lease_until <= now())
                    OR (r.state = 'RELEASED' AND r.expires_at > now())
                    OR (r.state = 'SCHEDULED' AND r.next_attempt_at <= now())))""";

    /** What a claim's insert or update returns of the record it wrote ({@code up}). */
    private static final String RETURNED = """
            r.record_key, r.state, r.last_event, r.fingerprint, r.token, r.attempt, r.owner_node, r.created_at,
                r.updated_at, r.lease_until, r.next_attempt_at, r.expires_at, r.has_steps, r.audit_seq""";

    /** A claim's answer row when it wrote the record ({@code up}), in the columns {@link StoredRecord} reads. */
    private static final String CLAIMED = """
            SELECT TRUE AS claimed, now() AS db_now, record_key, CAST(NULL AS TEXT) AS original_key, state,
                last_event, fingerprint, token, attempt, owner_node, created_at, updated_at, lease_until,
                next_attempt_at, expires_at, CAST(NULL AS BYTEA) AS result, CAST(NULL AS VARCHAR) AS error_type,
                CAST(NULL AS VARCHAR) AS error_message, CAST(NULL AS BYTEA) AS invocation, has_steps, audit_seq
            FROM up""";

    private final Database database;
    private final Queries queries;
    private final Schema schema;
    private final String claimNew;
    private final String claim;
    private final String complete;
    private final Map<Integer, String> completeGroups = new ConcurrentHashMap<>();
    private final Map<Integer, String> claimNewGroups = new ConcurrentHashMap<>();
    private final String fail;
    private final String saveStep;
    private final Map<Integer, String> claimsDue = new ConcurrentHashMap<>();
    private final String requeue;
    private final String cancel;
    private final String purge;

    PostgresOperations(Database database, Queries queries, Schema schema) {
        this.database = database;
        this.queries = queries;
        this.schema = schema;
        // The insert-only claim: the new record, or the one that is there (from the statement's snapshot: a
        // row inserted since shows in neither part, and the caller goes on to the full claim).
        this.claimNew = schema.expand("""
                WITH up AS (
                    INSERT INTO {records} AS r (record_key, original_key, state, last_event, fingerprint, token,
                        attempt, owner_node, created_at, updated_at, lease_until, has_steps, audit_seq)
                    VALUES (CAST(? AS VARCHAR(255)), CAST(? AS TEXT), 'IN_PROGRESS', 'CLAIMED',
                        CAST(? AS VARCHAR(255)), 1, 1, CAST(? AS VARCHAR(255)), now(), now(), {later}, FALSE, 1)
                    ON CONFLICT (record_key) DO NOTHING
                    RETURNING #RETURNED
                ), steps_gone AS (
                    DELETE FROM {steps} s USING up WHERE s.record_key = up.record_key
                ), audit AS (
                    #AUDIT
                )
                #CLAIMED
                UNION ALL
                SELECT FALSE, now(), #COLUMNS FROM {records} r
                WHERE r.record_key = CAST(? AS VARCHAR(255)) AND NOT EXISTS (SELECT 1 FROM up)
                """.replace("#RETURNED", RETURNED).replace("#AUDIT", AuditRow.insert(schema, "up"))
                .replace("#CLAIMED", CLAIMED).replace("#COLUMNS", Queries.qualified("r")));
        // The full claim reads the record (cur) and, only when it is absent or may be taken (expired, released,
        // lease or delay run out, as in InMemoryStore), upserts it; so a duplicate takes no lock and writes
        // nothing. ON CONFLICT decides again on the latest row version, which the statement's snapshot (cur)
        // may not show: when nothing was written and cur is empty or could have been taken, the caller runs
        // the statement again.
        this.claim = schema.expand("""
                WITH req AS (
                    SELECT CAST(? AS VARCHAR(255)) AS record_key, CAST(? AS TEXT) AS original_key,
                        CAST(? AS VARCHAR(255)) AS fingerprint, CAST(? AS VARCHAR(255)) AS owner_node,
                        {later} AS lease_until
                ), cur AS (
                    SELECT #CURRENT FROM {records} r JOIN req ON r.record_key = req.record_key
                ), up AS (
                    INSERT INTO {records} AS r (record_key, original_key, state, last_event, fingerprint, token,
                        attempt, owner_node, created_at, updated_at, lease_until, has_steps, audit_seq)
                    SELECT record_key, original_key, 'IN_PROGRESS', 'CLAIMED', fingerprint, 1, 1, owner_node, now(),
                        now(), lease_until, FALSE, 1
                    FROM req WHERE NOT EXISTS (SELECT 1 FROM cur r WHERE (#TAKEABLE_CURRENT) IS NOT TRUE)
                    ON CONFLICT (record_key) DO UPDATE SET
                        original_key = CASE WHEN #EXPIRED THEN EXCLUDED.original_key ELSE r.original_key END,
                        state = 'IN_PROGRESS',
                        last_event = CASE WHEN #EXPIRED OR r.state = 'RELEASED' THEN 'CLAIMED'
                            WHEN r.state = 'IN_PROGRESS' THEN 'TAKEN_OVER' ELSE 'RESUMED' END,
                        fingerprint = CASE WHEN #EXPIRED THEN EXCLUDED.fingerprint
                            ELSE COALESCE(r.fingerprint, EXCLUDED.fingerprint) END,
                        token = r.token + 1,
                        attempt = CASE WHEN #EXPIRED THEN 1 ELSE r.attempt + 1 END,
                        owner_node = EXCLUDED.owner_node,
                        created_at = CASE WHEN #EXPIRED THEN now() ELSE r.created_at END,
                        updated_at = now(),
                        lease_until = EXCLUDED.lease_until,
                        next_attempt_at = NULL,
                        expires_at = NULL,
                        result = CASE WHEN #EXPIRED THEN NULL ELSE r.result END,
                        error_type = CASE WHEN #EXPIRED THEN NULL ELSE r.error_type END,
                        error_message = CASE WHEN #EXPIRED THEN NULL ELSE r.error_message END,
                        invocation = CASE WHEN #EXPIRED THEN NULL ELSE r.invocation END,
                        has_steps = r.has_steps AND NOT #EXPIRED,
                        audit_seq = r.audit_seq + 1
                    WHERE #TAKEABLE_LATEST
                    RETURNING #RETURNED
                ), steps_gone AS (
                    DELETE FROM {steps} s USING up WHERE s.record_key = up.record_key AND NOT up.has_steps
                ), audit AS (
                    #AUDIT
                )
                #CLAIMED
                UNION ALL
                SELECT FALSE, now(), #COLUMNS FROM cur WHERE NOT EXISTS (SELECT 1 FROM up)
                """.replace("#TAKEABLE_CURRENT", TAKEABLE.replace("#FINGERPRINT", "req.fingerprint"))
                .replace("#TAKEABLE_LATEST", TAKEABLE.replace("#FINGERPRINT", "EXCLUDED.fingerprint"))
                .replace("#RETURNED", RETURNED).replace("#CLAIMED", CLAIMED)
                .replace("#EXPIRED", EXPIRED).replace("#CURRENT", Queries.qualified("r"))
                .replace("#AUDIT", AuditRow.insert(schema, "up")).replace("#COLUMNS", Schema.RECORD_COLUMNS));
        this.complete = fenced("""
                state = 'COMPLETED', last_event = 'COMPLETED', result = ?, error_type = NULL, error_message = NULL,
                invocation = NULL, has_steps = FALSE, lease_until = NULL, next_attempt_at = NULL,
                expires_at = {later}""", "");
        this.fail = fenced("""
                state = ?, last_event = ?, error_type = ?, error_message = ?, lease_until = NULL,
                next_attempt_at = {later}, expires_at = {later},
                invocation = CASE WHEN ? THEN NULL ELSE COALESCE(?, invocation) END, has_steps = has_steps AND ?""", "");
        this.saveStep = fenced("has_steps = TRUE, last_event = 'STEP_SAVED'", """
                , saved AS (
                    INSERT INTO {steps} (record_key, step_name, step_value)
                    SELECT record_key, CAST(? AS VARCHAR(200)), CAST(? AS BYTEA) FROM up
                    ON CONFLICT (record_key, step_name) DO UPDATE SET step_value = EXCLUDED.step_value
                )""");
        this.requeue = operator("""
                state = 'SCHEDULED', last_event = 'REQUEUED', next_attempt_at = now(), attempt = 0""");
        this.cancel = operator("""
                state = 'RELEASED', last_event = 'CANCELLED', next_attempt_at = NULL, expires_at = {later}""");
        this.purge = schema.expand("""
                WITH doomed AS (
                    SELECT record_key FROM {records}
                    WHERE expires_at <= now() AND state IN ('COMPLETED', 'FAILED', 'RELEASED')
                    ORDER BY expires_at LIMIT ? FOR UPDATE SKIP LOCKED
                ), gone AS (
                    DELETE FROM {records} r USING doomed WHERE r.record_key = doomed.record_key RETURNING r.record_key
                ), history_gone AS (
                    DELETE FROM {history} h USING gone WHERE h.record_key = gone.record_key
                ), steps_gone AS (
                    DELETE FROM {steps} s USING gone WHERE s.record_key = gone.record_key
                )
                SELECT COUNT(*) FROM gone
                """);
    }

    /**
     * The claim of up to {@code limit} due jobs in one statement: their lease, fencing token and a
     * {@code RESUMED} history row each. The limit is written into the text, not bound: then the plan a
     * connection keeps is the plan for that limit. Bound, the generic plan would assume a tenth of the due
     * jobs, cost more than the custom plans, and PostgreSQL would plan every poll again. Due jobs are found
     * by the next attempt alone, which the index's predicate and the table's check tie to
     * {@code SCHEDULED}: with {@code state = 'SCHEDULED'} in the condition, a table without statistics
     * looks nearly empty to the planner, and it would sort the whole backlog at every poll. Binds the
     * node, the lease, then the history row's binds.
     */
    String claimDue(int limit) {
        return claimsDue.computeIfAbsent(limit, rows -> schema.expand("""
                WITH due AS (
                    SELECT record_key, next_attempt_at FROM {records}
                    WHERE next_attempt_at <= now()
                    ORDER BY next_attempt_at LIMIT #LIMIT FOR UPDATE SKIP LOCKED
                ), up AS (
                    UPDATE {records} r SET state = 'IN_PROGRESS', last_event = 'RESUMED', token = r.token + 1,
                        attempt = r.attempt + 1, owner_node = ?, updated_at = now(), lease_until = {later},
                        next_attempt_at = NULL, expires_at = NULL, audit_seq = r.audit_seq + 1
                    FROM due WHERE r.record_key = due.record_key
                    RETURNING r.record_key, r.audit_seq, r.last_event, r.state, r.attempt, r.token, r.updated_at,
                        r.fingerprint, r.has_steps, r.invocation, due.next_attempt_at AS due_at
                ), audit AS (
                    #AUDIT
                )
                SELECT record_key, token, attempt, has_steps, invocation, fingerprint FROM up ORDER BY due_at
                """.replace("#LIMIT", Integer.toString(rows)).replace("#AUDIT", AuditRow.insert(schema, "up"))));
    }

    /**
     * The insert-only claim of {@code size} keys in one statement, as {@link #claimNew} claims one; their
     * values as a {@code VALUES} list of that many rows, one statement text per size. Records that were
     * there are read one by one by key ({@code LATERAL ... OFFSET 0}), so that the plan PostgreSQL keeps
     * reads the primary key whatever the table's size when it was made (see {@link #completeGroup}). Rows
     * are inserted in key order, so that two groups that wait for each other's keys take them in the same
     * order and cannot deadlock. Binds key, original key, fingerprint, node and lease of each claim.
     */
    String claimNewGroup(int size) {
        return claimNewGroups.computeIfAbsent(size, rows -> schema.expand("""
                WITH req (record_key, original_key, fingerprint, owner_node, lease_micros) AS (
                    VALUES #ROWS
                ), up AS (
                    INSERT INTO {records} AS r (record_key, original_key, state, last_event, fingerprint, token,
                        attempt, owner_node, created_at, updated_at, lease_until, has_steps, audit_seq)
                    SELECT record_key, original_key, 'IN_PROGRESS', 'CLAIMED', fingerprint, 1, 1, owner_node, now(),
                        now(), now() + lease_micros * INTERVAL '1 microsecond', FALSE, 1
                    FROM req ORDER BY record_key COLLATE "C"
                    ON CONFLICT (record_key) DO NOTHING
                    RETURNING #RETURNED
                ), #GROUP_WRITES
                #CLAIMED
                UNION ALL
                SELECT FALSE, now(), #COLUMNS FROM req
                    CROSS JOIN LATERAL (SELECT * FROM {records} WHERE record_key = req.record_key OFFSET 0) r
                WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.record_key = req.record_key)
                """.replace("#ROWS", String.join(", ", Collections.nCopies(rows, CLAIM_ROW)))
                .replace("#RETURNED", RETURNED).replace("#CLAIMED", CLAIMED).replace("#COLUMNS", Queries.qualified("r"))
                .replace("#GROUP_WRITES", groupWrites("owner_node", "NULL"))));
    }

    /**
     * What a group's statement writes besides its records, from the records rows it wrote ({@code up}):
     * the steps of their earlier lives deleted, and a history row each, with the node and elapsed time in
     * the columns of {@code up} named.
     */
    private static String groupWrites(String node, String elapsed) {
        return """
                steps_gone AS (
                    DELETE FROM {steps} s USING up WHERE s.record_key = up.record_key
                ), audit AS (
                    INSERT INTO {history} (#HISTORY)
                    SELECT record_key, audit_seq, last_event, state, attempt, token, #NODE, updated_at, #ELAPSED,
                        NULL, NULL, fingerprint, NULL FROM up
                )""".replace("#HISTORY", Schema.HISTORY_COLUMNS).replace("#NODE", node).replace("#ELAPSED", elapsed);
    }

    /**
     * The completion of {@code size} calls in one statement: one update per call, each finding its record by
     * its key alone, so that the plan PostgreSQL keeps reads the primary key whatever the table's size was
     * when it was made. (Joined to a list of values, a plan made while the table was small, or had no
     * statistics, scans the table; kept, it scanned the whole table at every group once it had grown.)
     * One statement text per group size, planned a few times per connection and then kept. Binds the
     * parameters of {@link #COMPLETION} for each completion in turn.
     */
    String completeGroup(int size) {
        return completeGroups.computeIfAbsent(size, rows -> {
            StringBuilder updates = new StringBuilder("WITH ");
            List<String> updated = new ArrayList<>();
            for (int row = 1; row <= rows; row++) {
                updates.append(COMPLETION.replace("#NAME", "done" + row)).append(",\n");
                updated.add("SELECT * FROM done" + row);
            }
            return schema.expand(updates + """
                    up AS (
                        #UPDATED
                    ), #GROUP_WRITES
                    SELECT record_key FROM up
                    """.replace("#UPDATED", String.join(" UNION ALL ", updated))
                    .replace("#GROUP_WRITES", groupWrites("node", "elapsed_micros")));
        });
    }

    /**
     * A fenced write of an {@code IN_PROGRESS} record: {@code assignments} (binds first), then key and token,
     * then the CTEs in {@code more} (binds next), then the audit binds. Answers the number of rows written.
     */
    private String fenced(String assignments, String more) {
        return schema.expand("""
                WITH up AS (
                    UPDATE {records} SET #ASSIGNMENTS, updated_at = now(), audit_seq = audit_seq + 1
                    WHERE record_key = ? AND token = ? AND state = 'IN_PROGRESS'
                    RETURNING #AUDITED
                )#MORE, steps_gone AS (
                    DELETE FROM {steps} s USING up WHERE s.record_key = up.record_key AND NOT up.has_steps
                ), audit AS (
                    #AUDIT
                )
                SELECT COUNT(*) FROM up
                """.replace("#ASSIGNMENTS", assignments).replace("#AUDITED", AUDITED).replace("#MORE", more)
                .replace("#AUDIT", AuditRow.insert(schema, "up")));
    }

    /**
     * An operator's write of a {@code DEAD} or {@code SCHEDULED} record: {@code assignments} (binds first),
     * then the key, then the audit binds, then the key again. Answers rows written and rows found.
     */
    private String operator(String assignments) {
        return schema.expand("""
                WITH up AS (
                    UPDATE {records} SET #ASSIGNMENTS, updated_at = now(), audit_seq = audit_seq + 1
                    WHERE record_key = ? AND state IN ('DEAD', 'SCHEDULED')
                    RETURNING #AUDITED
                ), audit AS (
                    #AUDIT
                )
                SELECT (SELECT COUNT(*) FROM up), (SELECT COUNT(*) FROM {records} WHERE record_key = ?)
                """.replace("#ASSIGNMENTS", assignments).replace("#AUDITED", AUDITED)
                .replace("#AUDIT", AuditRow.insert(schema, "up")));
    }

    @Override
    public ClaimResult claim(Connection connection, ClaimRequest request) throws SQLException {
        ClaimResult newOrAnswered = claimNew(connection, request);
        return newOrAnswered != null ? newOrAnswered : claimExisting(connection, request);
    }

    /**
     * The insert-only claims of several keys, distinct, in one statement: for each, in order, the claim of a
     * new key or the answer of a record that cannot be taken, or {@code null} where {@link #claimExisting}
     * is to decide.
     */
    List<ClaimResult> claimAllNew(Connection connection, List<ClaimRequest> requests) throws SQLException {
        if (requests.size() == 1) {
            return Collections.singletonList(claimNew(connection, requests.get(0)));
        }
        Map<String, ClaimResult> answers = new HashMap<>();
        Map<String, ClaimRequest> byKey = new HashMap<>();
        try (PreparedStatement statement = database.prepare(connection, claimNewGroup(requests.size()))) {
            int index = 1;
            for (ClaimRequest request : requests) {
                byKey.put(request.key(), request);
                statement.setString(index++, request.key());
                statement.setString(index++, request.originalKey());
                statement.setString(index++, request.fingerprint());
                statement.setString(index++, request.node());
                statement.setLong(index++, Micros.of(request.lease()));
            }
            try (ResultSet answered = statement.executeQuery()) {
                while (answered.next()) {
                    StoredRecord record = StoredRecord.read(answered, schema.dialect, schema.records);
                    ClaimRequest request = byKey.get(answered.getString("record_key"));
                    answers.put(request.key(), answered.getBoolean("claimed")
                            ? new ClaimResult.Claimed(record.token(), record.attempt(), Map.of(), record.lastEvent())
                            : record.answer(request, schema.dialect.readInstant(answered, "db_now")));
                }
            }
        }
        List<ClaimResult> inOrder = new ArrayList<>(requests.size());
        for (ClaimRequest request : requests) {
            inOrder.add(answers.get(request.key()));
        }
        return inOrder;
    }

    /**
     * The claim of a key whose insert-only claim did not decide: the record may be taken over, or was
     * inserted after that statement's snapshot.
     */
    ClaimResult claimExisting(Connection connection, ClaimRequest request) throws SQLException {
        for (int round = 1; round <= CLAIM_ROUNDS; round++) {
            try (PreparedStatement statement = database.prepare(connection, claim)) {
                bindClaim(statement, request);
                try (ResultSet row = statement.executeQuery()) {
                    if (!row.next()) {
                        continue;
                    }
                    boolean claimed = row.getBoolean("claimed");
                    Instant now = schema.dialect.readInstant(row, "db_now");
                    StoredRecord record = StoredRecord.read(row, schema.dialect, schema.records);
                    if (claimed) {
                        Map<String, byte[]> steps = record.hasSteps()
                                ? queries.steps(connection, List.of(request.key())).getOrDefault(request.key(), Map.of())
                                : Map.of();
                        return new ClaimResult.Claimed(record.token(), record.attempt(), steps, record.lastEvent());
                    }
                    ClaimResult answer = record.answer(request, now);
                    if (answer != null) {
                        return answer;
                    }
                }
            }
        }
        throw new IdempotencyStoreUnavailableException(request.key(), database.name() + ": the record of key '"
                + request.key() + "' changed under " + CLAIM_ROUNDS + " claims in a row; the call was not run; try "
                + "again later", null);
    }

    /**
     * The insert-only claim: the claim of a new key, or the answer a record that cannot be taken gives;
     * {@code null} when the record may be taken over, or was inserted since the statement's snapshot.
     */
    private ClaimResult claimNew(Connection connection, ClaimRequest request) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, claimNew)) {
            statement.setString(bindClaim(statement, request), request.key());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return null;
                }
                StoredRecord record = StoredRecord.read(row, schema.dialect, schema.records);
                if (row.getBoolean("claimed")) {
                    return new ClaimResult.Claimed(record.token(), record.attempt(), Map.of(), record.lastEvent());
                }
                return record.answer(request, schema.dialect.readInstant(row, "db_now"));
            }
        }
    }

    /**
     * Binds what both claim statements take first: key, original key, fingerprint, node, lease, then the
     * history row's parameters; returns the next parameter index.
     */
    private static int bindClaim(PreparedStatement statement, ClaimRequest request) throws SQLException {
        statement.setString(1, request.key());
        statement.setString(2, request.originalKey());
        statement.setString(3, request.fingerprint());
        statement.setString(4, request.node());
        statement.setLong(5, Micros.of(request.lease()));
        return AuditRow.bind(statement, 6, request.node(), null, null, null);
    }

    @Override
    public boolean complete(Connection connection, Completion completion) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, complete)) {
            statement.setBytes(1, completion.result());
            statement.setLong(2, Micros.of(completion.ttl()));
            statement.setString(3, completion.key());
            statement.setLong(4, completion.token());
            AuditRow.bind(statement, 5, completion.node(), completion.elapsed(), null, null);
            return count(statement) == 1;
        }
    }

    /**
     * Completes several calls, of distinct keys, in one statement, in key order (so that two groups that wait
     * for each other's records lock them in the same order); answers, in the given order, whether each was
     * completed (a stale token is not).
     */
    List<Boolean> completeAll(Connection connection, List<Completion> completions) throws SQLException {
        if (completions.size() == 1) {
            return List.of(complete(connection, completions.get(0)));
        }
        Set<String> completed = new HashSet<>();
        List<Completion> inKeyOrder = new ArrayList<>(completions);
        inKeyOrder.sort(Comparator.comparing(Completion::key));
        try (PreparedStatement statement = database.prepare(connection, completeGroup(completions.size()))) {
            int index = 1;
            for (Completion completion : inKeyOrder) {
                statement.setBytes(index++, completion.result());
                statement.setLong(index++, Micros.of(completion.ttl()));
                statement.setString(index++, completion.key());
                statement.setLong(index++, completion.token());
                statement.setString(index++, completion.node());
                Micros.bind(statement, index++, completion.elapsed());
            }
            try (ResultSet written = statement.executeQuery()) {
                while (written.next()) {
                    completed.add(written.getString(1));
                }
            }
        }
        List<Boolean> made = new ArrayList<>(completions.size());
        for (Completion completion : completions) {
            made.add(completed.contains(completion.key()));
        }
        return made;
    }

    @Override
    public boolean fail(Connection connection, Failure failure) throws SQLException {
        FailureShape shape = FailureShape.of(failure.outcome());
        try (PreparedStatement statement = database.prepare(connection, fail)) {
            int next = shape.bind(statement, failure);
            AuditRow.bind(statement, next, failure.node(), failure.elapsed(), failure.error(), null);
            return count(statement) == 1;
        }
    }

    @Override
    public boolean saveStep(Connection connection, StepWrite write) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, saveStep)) {
            statement.setString(1, write.key());
            statement.setLong(2, write.token());
            statement.setString(3, write.step());
            statement.setBytes(4, write.value());
            AuditRow.bind(statement, 5, write.node(), null, null, write.step());
            return count(statement) == 1;
        }
    }

    @Override
    public List<DueJob> claimDue(Connection connection, int limit, Duration lease, String node) throws SQLException {
        List<DueJob> jobs = new ArrayList<>();
        List<String> withSteps = new ArrayList<>();
        try (PreparedStatement statement = database.prepare(connection, claimDue(limit))) {
            statement.setString(1, node);
            statement.setLong(2, Micros.of(lease));
            AuditRow.bind(statement, 3, node, null, null, null);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    jobs.add(new DueJob(rows.getString("record_key"), rows.getLong("token"), rows.getInt("attempt"),
                            Map.of(), rows.getBytes("invocation"), rows.getString("fingerprint")));
                    if (rows.getBoolean("has_steps")) {
                        withSteps.add(rows.getString("record_key"));
                    }
                }
            }
        }
        return DueJobs.withSteps(jobs, withSteps.isEmpty() ? Map.of() : queries.steps(connection, withSteps));
    }

    @Override
    public OperatorResult requeue(Connection connection, String key, String node) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, requeue)) {
            statement.setString(1, key);
            int next = AuditRow.bind(statement, 2, node, null, null, null);
            statement.setString(next, key);
            return operatorResult(statement);
        }
    }

    @Override
    public OperatorResult cancel(Connection connection, String key, Duration retention, String node)
            throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, cancel)) {
            statement.setLong(1, Micros.of(retention));
            statement.setString(2, key);
            int next = AuditRow.bind(statement, 3, node, null, null, null);
            statement.setString(next, key);
            return operatorResult(statement);
        }
    }

    @Override
    public int purgeBatch(Connection connection, int limit) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, purge)) {
            statement.setInt(1, limit);
            return (int) count(statement);
        }
    }

    private static long count(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static OperatorResult operatorResult(PreparedStatement statement) throws SQLException {
        try (ResultSet row = statement.executeQuery()) {
            row.next();
            if (row.getLong(1) == 1) {
                return OperatorResult.DONE;
            }
            return row.getLong(2) == 0 ? OperatorResult.NOT_FOUND : OperatorResult.WRONG_STATE;
        }
    }
}
