package dev.idem.kafka;

import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.store.jdbc.JdbcStore;
import dev.idem.store.redis.RedisStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The real stores the tests use, from the same environment variables as the store modules' tests, with
 * this machine's defaults: PostgreSQL ({@code IDEM_TEST_POSTGRES_URL}) and Redis
 * ({@code IDEM_TEST_REDIS_URL}). A server that does not answer fails the test, saying which.
 */
final class TestStores {

    private TestStores() {
    }

    static String postgresUrl() {
        return env("IDEM_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    static String redisUrl() {
        return env("IDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    }

    /** The URL without its parameters (which may hold a password). */
    static String shown(String url) {
        int parameters = url.indexOf('?');
        return parameters < 0 ? url : url.substring(0, parameters);
    }

    /** A prefix (of tables or Redis keys) no other test run uses. */
    static String uniquePrefix(String label) {
        return "idemtest_" + label + "_" + UUID.randomUUID().toString().substring(0, 8) + "_";
    }

    /** A JDBC store on PostgreSQL with its own tables. */
    static JdbcStore postgres(String tablePrefix) {
        try {
            return JdbcStore.builder().url(postgresUrl()).tablePrefix(tablePrefix).createSchema(true).poolSize(4)
                    .build();
        } catch (IdempotencyStoreUnavailableException e) {
            throw new AssertionError("PostgreSQL at " + shown(postgresUrl()) + " is not "
                    + "reachable: start it, or set IDEM_TEST_POSTGRES_URL to one that runs", e);
        }
    }

    /** A Redis store under its own key prefix. */
    static RedisStore redis(String keyPrefix) {
        try {
            return RedisStore.builder().uri(redisUrl()).keyPrefix(keyPrefix).build();
        } catch (IdempotencyStoreUnavailableException e) {
            throw new AssertionError("Redis at " + redisUrl() + " is not reachable: start it, or set "
                    + "IDEM_TEST_REDIS_URL to one that runs", e);
        }
    }

    static Connection connect() throws SQLException {
        try {
            return DriverManager.getConnection(postgresUrl());
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL at " + shown(postgresUrl()) + " is not "
                    + "reachable: start it, or set IDEM_TEST_POSTGRES_URL to one that runs", e);
        }
    }

    /** Runs one statement. */
    static void execute(String sql, Object... parameters) throws SQLException {
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            statement.execute();
        }
    }

    /** Drops the store's tables of {@code prefix} and the other {@code tables}. */
    static void dropTables(String prefix, String... tables) throws SQLException {
        for (String table : new String[] {prefix + "records", prefix + "history", prefix + "steps"}) {
            execute("DROP TABLE IF EXISTS " + table);
        }
        for (String table : tables) {
            execute("DROP TABLE IF EXISTS " + table);
        }
    }

    /** The rows of a two-column query as a map of the first column to the second. */
    static Map<String, Long> counts(String sql) throws SQLException {
        Map<String, Long> counts = new LinkedHashMap<>();
        try (Connection connection = connect(); PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
