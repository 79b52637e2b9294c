package dev.idem.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Where the deferred-job benchmark finds its servers, from {@code IDEM_TEST_POSTGRES_URL} and
 * {@code IDEM_TEST_REDIS_URL} (the forked worker JVMs inherit the environment), and the one way it makes a
 * PostgreSQL pool, so that Idem and db-scheduler get identical pools. Stateless.
 */
final class BenchEndpoints {

    private BenchEndpoints() {
    }

    static String postgresUrl() {
        return System.getenv().getOrDefault("IDEM_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    static String redisUri() {
        return System.getenv().getOrDefault("IDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    }

    /** A HikariCP pool of {@code size} auto-committing connections to {@link #postgresUrl()}. */
    static HikariDataSource postgresPool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(postgresUrl());
        config.setPoolName(name);
        config.setMaximumPoolSize(size);
        config.setAutoCommit(true);
        return new HikariDataSource(config);
    }

    /**
     * Asks PostgreSQL for a checkpoint, so that each system's timed part starts with the WAL written out,
     * rather than one of them paying for the checkpoint of what was written before it (the full-page
     * images that follow a checkpoint). Needs a superuser or, from PostgreSQL 15, {@code pg_checkpoint}.
     */
    static void checkpoint() throws SQLException {
        try (Connection connection = DriverManager.getConnection(postgresUrl());
             Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
        }
    }
}
