package dev.idem.store.jdbc;

import dev.idem.store.ErrorInfo;
import dev.idem.store.Keys;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

/**
 * The history row a transition appends: copied from the records row the transition has just written
 * (key, sequence, event, state, attempt, token, time, fingerprint) plus what only the caller knows (node,
 * elapsed time, error, detail), so that it always matches the record. Stateless.
 */
final class AuditRow {

    /** The longest error type kept; longer class names are cut. */
    static final int MAX_ERROR_TYPE_LENGTH = 500;

    private AuditRow() {
    }

    /**
     * An {@code INSERT} of the history rows of the records rows that {@code source} yields (a table
     * expression with the records columns, and any {@code WHERE}); binds, in order, node, elapsed, error
     * type, error message and detail, see {@link #bind}.
     */
    static String insert(Schema schema, String source) {
        JdbcDialect dialect = schema.dialect;
        return "INSERT INTO " + schema.history + " (" + Schema.HISTORY_COLUMNS + ") SELECT record_key, audit_seq, "
                + "last_event, state, attempt, token, " + dialect.param("VARCHAR(255)") + ", updated_at, "
                + dialect.param("BIGINT") + ", " + dialect.param("VARCHAR(500)") + ", " + dialect.param("VARCHAR(500)")
                + ", fingerprint, " + dialect.param("VARCHAR(200)") + " FROM " + source;
    }

    /** Binds the parameters of {@link #insert} from {@code index}; returns the next index. */
    static int bind(PreparedStatement statement, int index, String node, Duration elapsed, ErrorInfo error,
            String detail) throws SQLException {
        statement.setString(index, node);
        Micros.bind(statement, index + 1, elapsed);
        statement.setString(index + 2, errorType(error));
        statement.setString(index + 3, error == null ? null : error.message());
        statement.setString(index + 4, detail);
        return index + 5;
    }

    /**
     * The error's type as stored: cut to {@link #MAX_ERROR_TYPE_LENGTH}, NUL (which SQL text refuses) as
     * U+FFFD, as {@code ErrorInfo} does with messages; {@code null} without an error.
     */
    static String errorType(ErrorInfo error) {
        return error == null ? null : Keys.shorten(error.type().replace('\u0000', '\uFFFD'), MAX_ERROR_TYPE_LENGTH);
    }
}
