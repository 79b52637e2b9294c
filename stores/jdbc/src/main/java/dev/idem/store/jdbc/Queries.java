package dev.idem.store.jdbc;

import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.ErrorInfo;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The statements that read the same on every dialect: the operators' reads, lease renewal, and the
 * steps of claimed records. Each is one statement. Thread-safe.
 */
final class Queries {

    /** The most keys one {@code IN (...)} list names. */
    static final int MAX_KEYS_PER_STATEMENT = 500;

    private final Database database;
    private final Schema schema;
    private final JdbcDialect dialect;
    private final String renew;
    private final String find;
    private final String history;
    private final String countByState;

    Queries(Database database, Schema schema) {
        this.database = database;
        this.schema = schema;
        this.dialect = schema.dialect;
        this.renew = schema.expand("UPDATE {records} SET lease_until = {later}, updated_at = {now} "
                + "WHERE record_key = ? AND token = ? AND state = 'IN_PROGRESS'");
        this.find = schema.expand("SELECT " + qualified("r") + ", s.step_name, s.step_value FROM {records} r "
                + "LEFT JOIN {steps} s ON s.record_key = r.record_key AND r.has_steps WHERE r.record_key = ?");
        this.history = schema.expand("SELECT " + Schema.HISTORY_COLUMNS + " FROM {history} WHERE record_key = ? "
                + "ORDER BY seq");
        this.countByState = schema.expand("SELECT state, COUNT(*) FROM {records} GROUP BY state");
    }

    /** The record columns, each qualified by {@code alias}. */
    static String qualified(String alias) {
        return alias + "." + Schema.RECORD_COLUMNS.replace(", ", ", " + alias + ".");
    }

    boolean renew(Connection connection, String key, long token, Duration lease) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, renew)) {
            statement.setLong(1, Micros.of(lease));
            statement.setString(2, key);
            statement.setLong(3, token);
            return statement.executeUpdate() == 1;
        }
    }

    Optional<IdempotencyRecord> find(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, find)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                List<IdempotencyRecord> records = readWithSteps(rows);
                return records.isEmpty() ? Optional.empty() : Optional.of(records.get(0));
            }
        }
    }

    List<AuditEntry> history(Connection connection, String key) throws SQLException {
        try (PreparedStatement statement = database.prepare(connection, history)) {
            statement.setString(1, key);
            try (ResultSet rows = statement.executeQuery()) {
                List<AuditEntry> entries = new ArrayList<>();
                while (rows.next()) {
                    entries.add(auditEntry(rows));
                }
                return entries;
            }
        }
    }

    List<IdempotencyRecord> list(Connection connection, RecordQuery query) throws SQLException {
        StringBuilder where = new StringBuilder("1 = 1");
        if (query.state() != null) {
            where.append(" AND state = ?");
            if (query.state() != RecordState.COMPLETED) {
                // Lets PostgreSQL use its partial state index whatever the bound state.
                where.append(" AND state <> 'COMPLETED'");
            }
        }
        if (query.from() != null) {
            where.append(" AND updated_at >= ?");
        }
        if (query.to() != null) {
            where.append(" AND updated_at < ?");
        }
        if (query.keyPrefix() != null) {
            where.append(" AND record_key LIKE ? ESCAPE '!'");
        }
        String sql = schema.expand("SELECT r.*, s.step_name, s.step_value FROM (SELECT " + Schema.RECORD_COLUMNS
                + " FROM {records} WHERE " + where + " ORDER BY updated_at DESC, record_key LIMIT ?) r "
                + "LEFT JOIN {steps} s ON s.record_key = r.record_key AND r.has_steps "
                + "ORDER BY r.updated_at DESC, r.record_key");
        try (PreparedStatement statement = database.prepare(connection, sql)) {
            int index = 1;
            if (query.state() != null) {
                statement.setString(index++, query.state().name());
            }
            if (query.from() != null) {
                dialect.bindInstant(statement, index++, query.from());
            }
            if (query.to() != null) {
                dialect.bindInstant(statement, index++, query.to());
            }
            if (query.keyPrefix() != null) {
                statement.setString(index++, query.keyPrefix().replace("!", "!!").replace("%", "!%").replace("_", "!_")
                        + "%");
            }
            statement.setInt(index, query.limit());
            try (ResultSet rows = statement.executeQuery()) {
                return readWithSteps(rows);
            }
        }
    }

    Map<RecordState, Long> countByState(Connection connection) throws SQLException {
        Map<RecordState, Long> counts = new EnumMap<>(RecordState.class);
        try (PreparedStatement statement = database.prepare(connection, countByState);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                for (RecordState state : RecordState.values()) {
                    if (state.name().equals(rows.getString(1))) {
                        counts.put(state, rows.getLong(2));
                    }
                }
            }
        }
        return counts;
    }

    /** The saved steps of each of {@code keys} that has any, by key and name. */
    Map<String, Map<String, byte[]>> steps(Connection connection, Collection<String> keys) throws SQLException {
        Map<String, Map<String, byte[]>> steps = new HashMap<>();
        List<String> all = List.copyOf(keys);
        for (int from = 0; from < all.size(); from += MAX_KEYS_PER_STATEMENT) {
            List<String> some = all.subList(from, Math.min(all.size(), from + MAX_KEYS_PER_STATEMENT));
            String sql = schema.expand("SELECT record_key, step_name, step_value FROM {steps} WHERE record_key IN ("
                    + placeholders(some.size()) + ")");
            try (PreparedStatement statement = database.prepare(connection, sql)) {
                for (int i = 0; i < some.size(); i++) {
                    statement.setString(i + 1, some.get(i));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        steps.computeIfAbsent(rows.getString(1), key -> new HashMap<>())
                                .put(rows.getString(2), rows.getBytes(3));
                    }
                }
            }
        }
        return steps;
    }

    /** {@code count} comma-separated question marks. */
    static String placeholders(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    /** Records with their steps from rows of record columns joined with step name and value, in row order. */
    private List<IdempotencyRecord> readWithSteps(ResultSet rows) throws SQLException {
        List<IdempotencyRecord> records = new ArrayList<>();
        StoredRecord current = null;
        Map<String, byte[]> steps = new HashMap<>();
        while (rows.next()) {
            String key = rows.getString("record_key");
            if (current == null || !current.key().equals(key)) {
                if (current != null) {
                    records.add(current.toRecord(steps));
                }
                current = StoredRecord.read(rows, dialect, schema.records);
                steps = new HashMap<>();
            }
            String step = rows.getString("step_name");
            if (step != null) {
                steps.put(step, rows.getBytes("step_value"));
            }
        }
        if (current != null) {
            records.add(current.toRecord(steps));
        }
        return records;
    }

    private AuditEntry auditEntry(ResultSet row) throws SQLException {
        String key = row.getString("record_key");
        long elapsed = row.getLong("elapsed_micros");
        Duration duration = row.wasNull() ? null : Micros.toDuration(elapsed);
        String errorType = row.getString("error_type");
        return new AuditEntry(key, row.getLong("seq"),
                StoredRecord.parse(AuditEvent.class, row.getString("event"), key, schema.history, "event"),
                StoredRecord.parse(RecordState.class, row.getString("state"), key, schema.history, "state"),
                row.getInt("attempt"), row.getLong("token"), row.getString("node"),
                dialect.readInstant(row, "occurred_at"), duration,
                errorType == null ? null : new ErrorInfo(errorType, row.getString("error_message")),
                row.getString("fingerprint"), row.getString("detail"));
    }
}
