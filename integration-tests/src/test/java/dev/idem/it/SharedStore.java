package dev.idem.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A durable store that several forked JVMs share, as the agent's settings for one test run: a table prefix or
 * key prefix unique to the run keeps runs apart, and {@link #cleanUp} removes what the run left.
 */
public enum SharedStore {

    /** PostgreSQL through the agent's JDBC store, tables {@code it_<run>_*}, created by the agent. */
    POSTGRES {
        @Override
        public Map<String, String> settings(String runId) {
            return Map.of("idem.store", Servers.postgresUrl(), "idem.jdbc.tablePrefix", "it_" + runId + "_",
                    "idem.jdbc.createSchema", "true");
        }

        @Override
        public List<String> cliOptions(String runId) {
            return List.of("--store=" + Servers.postgresUrl(), "--table-prefix=it_" + runId + "_");
        }

        @Override
        public void require() {
            try (Connection connection = Servers.postgres()) {
                if (!connection.isValid(5)) {
                    throw new AssertionError("PostgreSQL at " + Servers.postgresUrl() + " accepts connections but "
                            + "does not answer");
                }
            } catch (SQLException e) {
                throw new AssertionError("PostgreSQL at " + Servers.postgresUrl() + " fails: " + e.getMessage(), e);
            }
        }

        @Override
        public void cleanUp(String runId) {
            try (Connection connection = Servers.postgres(); Statement statement = connection.createStatement()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet result = statement.executeQuery("SELECT table_name FROM information_schema.tables "
                        + "WHERE table_name LIKE 'it\\_" + runId + "\\_%'")) {
                    while (result.next()) {
                        tables.add(result.getString(1));
                    }
                }
                for (String table : tables) {
                    statement.execute("DROP TABLE IF EXISTS " + table + " CASCADE");
                }
            } catch (SQLException e) {
                throw new AssertionError("cannot drop the store's tables of run " + runId + ": " + e.getMessage(), e);
            }
        }
    },

    /** Redis standalone through the agent's Redis store, keys {@code it-<run>:*}. */
    REDIS {
        @Override
        public Map<String, String> settings(String runId) {
            return Map.of("idem.store", Servers.redisUrl(), "idem.redis.keyPrefix", "it-" + runId);
        }

        @Override
        public List<String> cliOptions(String runId) {
            return List.of("--store=" + Servers.redisUrl(), "--key-prefix=it-" + runId);
        }

        @Override
        public void require() {
            Servers.requireRedis();
        }

        @Override
        public void cleanUp(String runId) {
            Servers.redis("EVAL", "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do "
                    + "redis.call('DEL', k) n = n + 1 end return n", "0", "it-" + runId + ":*");
        }
    };

    /** The agent's settings ({@code idem.*}) to share this store in run {@code runId}. */
    public abstract Map<String, String> settings(String runId);

    /** The operator CLI's options ({@code idem --store=... ...}) to read this store in run {@code runId}. */
    public abstract List<String> cliOptions(String runId);

    /** Fails the test clearly when the server does not answer. */
    public abstract void require();

    /** Removes the records run {@code runId} left in the store. */
    public abstract void cleanUp(String runId);
}
