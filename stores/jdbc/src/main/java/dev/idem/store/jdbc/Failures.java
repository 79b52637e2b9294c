package dev.idem.store.jdbc;

import dev.idem.annotation.IdempotencyStoreException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/** Turns driver and pool failures into the store contract's exceptions. Stateless. */
final class Failures {

    private Failures() {
    }

    /**
     * The contract's exception for {@code failure}: {@link IdempotencyStoreUnavailableException} when the
     * database could not be reached or did not answer in time, else {@link IdempotencyStoreException}.
     *
     * @param store the store as messages name it
     * @param dialect the database's dialect, or {@code null} when it is not known yet
     * @param key the key the call was about, or {@code null}
     */
    static IdempotencyStoreException translate(String store, JdbcDialect dialect, String key, SQLException failure) {
        if (unreachable(dialect, failure)) {
            return unavailable(store, key, "did not answer in time or cannot be reached (" + describe(failure) + ")",
                    failure);
        }
        return new IdempotencyStoreException(key, store + " failed" + (key == null ? "" : " on key '" + key + "'") + ": "
                + describe(failure), failure);
    }

    /** An unavailable-store exception saying that the call was not run. */
    static IdempotencyStoreUnavailableException unavailable(String store, String key, String what, Throwable cause) {
        return new IdempotencyStoreUnavailableException(key, store + " " + what + "; the call"
                + (key == null ? "" : " with key '" + key + "'") + " was not run; try again later", cause);
    }

    /**
     * Whether a failure means that the database could not be reached or did not answer in time, so that
     * trying again later may work: connection errors (SQLState class 08), pool and query timeouts,
     * server shutdown and resource exhaustion (classes 57 and 53), a race lost too many times (class
     * 40), and any failure caused by an I/O error.
     */
    static boolean unreachable(JdbcDialect dialect, SQLException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLTransientException || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLRecoverableException || cause instanceof IOException) {
                return true;
            }
            if (cause instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                if (state.startsWith("08") || state.startsWith("57") || state.startsWith("53") || state.startsWith("40")
                        || state.equals("70100") || state.startsWith("HYT") || (dialect != null && dialect.lostRace(sql))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The failure's message and SQLState, for messages. */
    static String describe(SQLException failure) {
        String message = failure.getMessage() == null ? failure.getClass().getName()
                : failure.getMessage().strip().replaceAll("\\s*\\R\\s*", " ");
        return failure.getSQLState() == null ? message : message + " [SQLState " + failure.getSQLState() + "]";
    }
}
