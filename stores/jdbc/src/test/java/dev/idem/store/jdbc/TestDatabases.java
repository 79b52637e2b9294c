package dev.idem.store.jdbc;

import static org.awaitility.Awaitility.await;

import dev.idem.annotation.IdempotencyStoreUnavailableException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real databases the tests use, from environment variables with this machine's defaults. A database
 * that is not running fails the test with a message saying which one and how to point the tests at it.
 */
final class TestDatabases {

    static final String POSTGRES_VARIABLE = "IDEM_TEST_POSTGRES_URL";
    static final String MARIADB_VARIABLE = "IDEM_TEST_MARIADB_URL";

    private static final Pattern HOST_AND_PORT = Pattern.compile("//([^/:?;]+)(?::(\\d+))?");

    private TestDatabases() {
    }

    static String postgresUrl() {
        return env(POSTGRES_VARIABLE, "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    static String mariaDbUrl() {
        return env(MARIADB_VARIABLE, "jdbc:mariadb://127.0.0.1:3306/test?user=root");
    }

    /** A private in-memory H2 database that lives until the JVM ends. */
    static String h2Url(String name) {
        return "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1";
    }

    /** A table prefix no other test run uses. */
    static String uniquePrefix(String label) {
        return label + "_" + UUID.randomUUID().toString().substring(0, 8) + "_";
    }

    /** A builder for a store on {@code url} that creates its tables, with a small pool. */
    static JdbcStore.Builder builder(String url) {
        return JdbcStore.builder().url(url).createSchema(true).poolSize(8);
    }

    /** Builds the store, failing with a clear message when its database is not running. */
    static JdbcStore open(JdbcStore.Builder builder, String url) {
        try {
            return builder.build();
        } catch (IdempotencyStoreUnavailableException e) {
            throw new AssertionError("the test database at " + JdbcStore.Builder.displayUrl(url) + " is not reachable: "
                    + "start it, or set " + POSTGRES_VARIABLE + " / " + MARIADB_VARIABLE + " to one that runs", e);
        }
    }

    static JdbcStore open(String url) {
        return open(builder(url), url);
    }

    /** A plain JDBC connection, for checking and damaging rows by hand. */
    static Connection connect(String url) throws SQLException {
        try {
            return DriverManager.getConnection(url);
        } catch (SQLException e) {
            throw new AssertionError("the test database at " + JdbcStore.Builder.displayUrl(url) + " is not reachable: "
                    + "start it, or set " + POSTGRES_VARIABLE + " / " + MARIADB_VARIABLE + " to one that runs", e);
        }
    }

    /** Runs one statement by hand. */
    static int execute(String url, String sql, Object... parameters) {
        try (Connection connection = connect(url); PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            return statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    /** Drops the store's three tables of {@code prefix}. */
    static void dropTables(String url, String prefix) {
        try (Connection connection = connect(url); Statement statement = connection.createStatement()) {
            for (String table : new String[] {"records", "history", "steps"}) {
                statement.execute("DROP TABLE IF EXISTS " + prefix + table);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code url} with its host and port replaced by a loopback port (a proxy's). */
    static String throughPort(String url, int port) {
        Matcher matcher = HOST_AND_PORT.matcher(url);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no host in " + url);
        }
        return url.substring(0, matcher.start()) + "//127.0.0.1:" + port + url.substring(matcher.end());
    }

    /** The host of {@code url}. */
    static String host(String url) {
        Matcher matcher = HOST_AND_PORT.matcher(url);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no host in " + url);
        }
        return matcher.group(1);
    }

    /** The port of {@code url}, or {@code defaultPort}. */
    static int port(String url, int defaultPort) {
        Matcher matcher = HOST_AND_PORT.matcher(url);
        if (!matcher.find()) {
            throw new IllegalArgumentException("no host in " + url);
        }
        return matcher.group(2) == null ? defaultPort : Integer.parseInt(matcher.group(2));
    }

    /** The database's clock, read over its own connection. */
    static final class DatabaseClock implements AutoCloseable {

        private final Connection connection;
        private final JdbcDialect dialect;

        DatabaseClock(String url, JdbcDialect dialect) throws SQLException {
            this.connection = connect(url);
            this.dialect = dialect;
        }

        Instant now() {
            try (Statement statement = connection.createStatement();
                    ResultSet row = statement.executeQuery("SELECT " + dialect.now() + " AS db_now")) {
                row.next();
                return dialect.readInstant(row, "db_now");
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        }

        /** Waits until {@code duration} has passed on the database's clock. */
        void elapse(Duration duration) {
            Instant target = now().plus(duration);
            await().pollDelay(duration).pollInterval(Duration.ofMillis(10)).atMost(duration.plusSeconds(10))
                    .until(() -> !now().isBefore(target));
        }

        @Override
        public void close() throws SQLException {
            connection.close();
        }
    }

    /**
     * The keys {@link #startHeld} takes to fill {@code groupsInFlight} statements: the first alone, then
     * two for each further one.
     */
    static List<String> heldKeys(int groupsInFlight) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 2 * groupsInFlight - 1; i++) {
            keys.add("held-" + i);
        }
        return keys;
    }

    /**
     * Starts a call on each of {@code keys} ({@link #heldKeys}), whose records other connections hold, one
     * after the other, so that the store ends with as many statements waiting for those connections as it
     * may have in flight: the first key's statement alone, then each further statement the group of a key
     * and the one queued before it. Answers the threads, the first key's first.
     *
     * @param start starts the call on a key in a thread of its own
     * @param waitingStatements how many of the store's statements wait for a lock now
     */
    static List<Thread> startHeld(List<String> keys, Function<String, Thread> start, IntSupplier waitingStatements) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < keys.size(); i++) {
            Thread thread = start.apply(keys.get(i));
            threads.add(thread);
            int statements = i / 2 + 1;
            if (i % 2 == 0) {
                await().atMost(Duration.ofSeconds(10)).until(waitingStatements::getAsInt, count -> count == statements);
            } else {
                await().atMost(Duration.ofSeconds(10)).until(() -> thread.getState() == Thread.State.WAITING);
            }
        }
        return threads;
    }

    /** What {@code SELECT COUNT(*) ...} with one string parameter counts. */
    static long count(String url, String countSql, String parameter) {
        try (Connection connection = connect(url); PreparedStatement query = connection.prepareStatement(countSql)) {
            query.setString(1, parameter);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many statements whose text is like {@code queryLike} wait for a lock on the database now. */
    static int statementsWaitingForALock(String url, String queryLike) {
        return (int) count(url, "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?",
                queryLike);
    }

    static List<String> concat(List<String> first, List<String> second) {
        List<String> all = new ArrayList<>(first);
        all.addAll(second);
        return all;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
