package dev.idem.store.jdbc;

import dev.idem.annotation.IdempotencyStoreUnavailableException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * Where the store gets its connections and how it runs work on them: bounded timeouts on every
 * connection and statement, short transactions, a few more tries for work that lost a race with another
 * transaction (deadlock, serialization failure), and the translation of driver errors into the store
 * contract's exceptions. Thread-safe.
 */
final class Database implements AutoCloseable {

    /** How many times work that lost a race runs in all. */
    private static final int RACE_ATTEMPTS = 5;

    private final DataSource dataSource;
    private final AutoCloseable ownedPool;
    private final JdbcDialect dialect;
    private final String name;
    private final int queryTimeoutSeconds;
    private final int networkTimeoutMillis;

    /**
     * @param ownedPool the pool to close with the store, or {@code null} when the application owns it
     * @param name the store as messages name it
     */
    Database(DataSource dataSource, AutoCloseable ownedPool, JdbcDialect dialect, String name, Duration queryTimeout) {
        this.dataSource = dataSource;
        this.ownedPool = ownedPool;
        this.dialect = dialect;
        this.name = name;
        this.queryTimeoutSeconds = (int) Math.max(1, (queryTimeout.toMillis() + 999) / 1000);
        this.networkTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, networkTimeout(queryTimeout).toMillis());
    }

    /** How long a connection waits for the server's reply: the query timeout and one second for the cancel. */
    static Duration networkTimeout(Duration queryTimeout) {
        return queryTimeout.plusSeconds(1);
    }

    JdbcDialect dialect() {
        return dialect;
    }

    String name() {
        return name;
    }

    /** A unit of work on one connection. */
    @FunctionalInterface
    interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs {@code work} on a pooled connection in auto-commit mode, again on a fresh connection when it
     * lost a race, and translates failures.
     *
     * @param key the key the work is about, for messages; {@code null} when none
     * @throws IdempotencyStoreUnavailableException when the database cannot be reached in time
     * @throws dev.idem.annotation.IdempotencyStoreException for any other database failure
     */
    <T> T call(String key, Work<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                configure(connection);
                return work.run(connection);
            } catch (SQLException e) {
                if (attempt < RACE_ATTEMPTS && dialect.lostRace(e)) {
                    pause(key, attempt, e);
                    continue;
                }
                throw translate(key, e);
            }
        }
    }

    /**
     * Runs {@code work} in a transaction on {@code connection}, which is in auto-commit mode: commits when
     * it returns, rolls back when it throws.
     */
    static <T> T transaction(Connection connection, Work<T> work) throws SQLException {
        connection.setAutoCommit(false);
        T result;
        try {
            result = work.run(connection);
        } catch (SQLException | RuntimeException e) {
            try {
                connection.rollback();
                connection.setAutoCommit(true);
            } catch (SQLException rollbackFailure) {
                e.addSuppressed(rollbackFailure);
            }
            throw e;
        }
        // Switching auto-commit back on commits the transaction (JDBC), in one round trip instead of two.
        connection.setAutoCommit(true);
        return result;
    }

    /** A statement with the store's query timeout. */
    PreparedStatement prepare(Connection connection, String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setQueryTimeout(queryTimeoutSeconds);
        return statement;
    }

    private void configure(Connection connection) throws SQLException {
        if (connection.getNetworkTimeout() != networkTimeoutMillis) {
            connection.setNetworkTimeout(Runnable::run, networkTimeoutMillis);
        }
        if (!connection.getAutoCommit()) {
            connection.setAutoCommit(true);
        }
    }

    private void pause(String key, int attempt, SQLException cause) {
        try {
            TimeUnit.MILLISECONDS.sleep(ThreadLocalRandom.current().nextLong(1, 5L * attempt + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw Failures.unavailable(name, key, "was interrupted while retrying after " + cause.getMessage(), cause);
        }
    }

    /** The store contract's exception for a driver failure. */
    RuntimeException translate(String key, SQLException failure) {
        return Failures.translate(name, dialect, key, failure);
    }

    @Override
    public void close() {
        if (ownedPool != null) {
            try {
                ownedPool.close();
            } catch (Exception e) {
                throw new IllegalStateException(name + " could not close its connection pool", e);
            }
        }
    }
}
