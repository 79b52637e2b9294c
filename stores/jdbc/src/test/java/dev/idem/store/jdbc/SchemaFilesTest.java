package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.DueJob;
import dev.idem.store.ErrorInfo;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.store.StepWrite;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The SQL files shipped for Flyway and Liquibase users, run by hand as a migration tool would (with
 * their prefix replaced), create tables and indexes on which the store works without creating
 * anything itself; without them, building a store says how to create them.
 */
class SchemaFilesTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void thePostgresqlFileCreatesWorkingTables() throws Exception {
        createsWorkingTables(TestDatabases.postgresUrl(), JdbcDialect.POSTGRESQL,
                Map.of("next_attempt", List.of("next_attempt_at"), "expiry", List.of("expires_at"),
                        "state_updated", List.of("state", "updated_at")));
    }

    @Test
    void onPostgresqlOnlyScheduledRecordsHaveANextAttempt() {
        String url = TestDatabases.postgresUrl();
        String prefix = TestDatabases.uniquePrefix("ck");
        try (JdbcStore store = JdbcStore.builder().url(url).tablePrefix(prefix).createSchema(true).build()) {
            String key = "check:" + UUID.randomUUID();
            ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "n", null));
            assertThatThrownBy(() -> TestDatabases.execute(url, "UPDATE " + prefix + "records SET next_attempt_at = now() "
                    + "WHERE record_key = ?", key)).hasStackTraceContaining(prefix + "records_due_ck");
            assertThat(store.fail(new Failure(key, claimed.token(), new FailureOutcome.Schedule(Duration.ZERO, new byte[] {1}),
                    new ErrorInfo("E", "m"), Duration.ZERO, "n"))).isTrue();
            assertThatThrownBy(() -> TestDatabases.execute(url, "UPDATE " + prefix + "records SET next_attempt_at = NULL "
                    + "WHERE record_key = ?", key)).hasStackTraceContaining(prefix + "records_due_ck");
        } finally {
            TestDatabases.dropTables(url, prefix);
        }
    }

    @Test
    void theMariaDbFileCreatesWorkingTables() throws Exception {
        createsWorkingTables(TestDatabases.mariaDbUrl(), JdbcDialect.MARIADB,
                Map.of("due", List.of("state", "next_attempt_at"), "expiry", List.of("expires_at"),
                        "state_updated", List.of("state", "updated_at")));
    }

    @Test
    void theH2FileCreatesWorkingTables() throws Exception {
        createsWorkingTables(TestDatabases.h2Url("schema-files"), JdbcDialect.H2,
                Map.of("due", List.of("state", "next_attempt_at"), "expiry", List.of("expires_at"),
                        "state_updated", List.of("state", "updated_at")));
    }

    @Test
    void withoutTheTablesBuildingAStoreSaysHowToCreateThem() {
        String prefix = TestDatabases.uniquePrefix("none");
        for (String url : List.of(TestDatabases.postgresUrl(), TestDatabases.mariaDbUrl(), TestDatabases.h2Url("none"))) {
            JdbcDialect dialect = JdbcDialect.fromUrl(url);
            assertThatThrownBy(() -> JdbcStore.builder().url(url).tablePrefix(prefix).build())
                    .isInstanceOf(IdempotencyConfigurationException.class)
                    .hasMessageContaining(prefix + "records")
                    .hasMessageContaining("dev/idem/store/jdbc/schema-" + dialect.id() + ".sql")
                    .hasMessageContaining("JdbcStore.schemaSql(JdbcDialect." + dialect.name() + ", \"" + prefix + "\")")
                    .hasMessageContaining("createSchema(true)");
        }
    }

    @Test
    void schemaSqlIsTheShippedFileWithThePrefixReplaced() throws IOException {
        for (JdbcDialect dialect : JdbcDialect.values()) {
            String shipped = shipped(dialect);
            assertThat(JdbcStore.schemaSql(dialect, JdbcStore.DEFAULT_TABLE_PREFIX)).isEqualTo(shipped);
            assertThat(JdbcStore.schemaSql(dialect, "billing_idem_")).isEqualTo(shipped.replace("idem_", "billing_idem_"));
        }
        assertThatThrownBy(() -> JdbcStore.schemaSql(JdbcDialect.H2, "x; DROP TABLE y; --"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table prefix");
    }

    private static String shipped(JdbcDialect dialect) throws IOException {
        try (InputStream in = SchemaFilesTest.class.getResourceAsStream("/dev/idem/store/jdbc/" + dialect.schemaResource())) {
            assertThat(in).as("the jar ships " + dialect.schemaResource()).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Runs the file statement by statement, as a migration tool does: comment lines dropped, split at ';'. */
    private static void migrate(Connection connection, String sql) throws SQLException {
        StringBuilder code = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.strip().startsWith("--")) {
                code.append(line).append('\n');
            }
        }
        try (Statement statement = connection.createStatement()) {
            for (String one : code.toString().split(";")) {
                if (!one.isBlank()) {
                    statement.execute(one);
                }
            }
        }
    }

    private static void createsWorkingTables(String url, JdbcDialect dialect, Map<String, List<String>> indexes)
            throws Exception {
        String prefix = TestDatabases.uniquePrefix("sf");
        String sql = shipped(dialect).replace("idem_", prefix);
        try (Connection connection = TestDatabases.connect(url)) {
            migrate(connection, sql);
            migrate(connection, sql);
            assertThat(indexes(connection.getMetaData(), prefix + "records")).containsAllEntriesOf(prefixed(prefix, indexes));

            try (JdbcStore store = JdbcStore.builder().url(url).tablePrefix(prefix).build()) {
                assertThat(store.dialect()).isEqualTo(dialect);
                assertThat(store.tablePrefix()).isEqualTo(prefix);
                worksOn(store);
            }
        } finally {
            TestDatabases.dropTables(url, prefix);
        }
    }

    private static Map<String, List<String>> prefixed(String prefix, Map<String, List<String>> indexes) {
        Map<String, List<String>> names = new TreeMap<>();
        indexes.forEach((name, columns) -> names.put(prefix + "records_" + name + "_idx", columns));
        return names;
    }

    /** The table's indexes by lower-case name, with their columns in order. */
    private static Map<String, List<String>> indexes(DatabaseMetaData metadata, String table) throws SQLException {
        String stored = metadata.storesUpperCaseIdentifiers() ? table.toUpperCase(Locale.ROOT) : table;
        Map<String, List<String>> indexes = new TreeMap<>();
        try (ResultSet rows = metadata.getIndexInfo(null, null, stored, false, false)) {
            while (rows.next()) {
                if (rows.getString("INDEX_NAME") != null && rows.getString("COLUMN_NAME") != null) {
                    indexes.computeIfAbsent(rows.getString("INDEX_NAME").toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                            .add(rows.getString("COLUMN_NAME").toLowerCase(Locale.ROOT));
                }
            }
        }
        return indexes;
    }

    private static void worksOn(JdbcStore store) {
        String key = "schema:" + UUID.randomUUID();
        ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, "fp", LEASE, "n", null));
        assertThat(store.saveStep(new StepWrite(key, claimed.token(), "s", new byte[] {1}, "n"))).isTrue();
        assertThat(store.fail(new Failure(key, claimed.token(), new FailureOutcome.Schedule(Duration.ZERO, new byte[] {2}),
                new ErrorInfo("E", "m"), Duration.ZERO, "n"))).isTrue();
        List<DueJob> jobs = store.claimDue(10, LEASE, "worker");
        assertThat(jobs).extracting(DueJob::key).containsExactly(key);
        assertThat(jobs.get(0).steps()).containsOnlyKeys("s");
        assertThat(store.complete(new Completion(key, jobs.get(0).token(), new byte[] {3}, Duration.ofMillis(1),
                Duration.ZERO, "worker"))).isTrue();
        assertThat(store.history(key)).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.STEP_SAVED, AuditEvent.SCHEDULED, AuditEvent.RESUMED, AuditEvent.COMPLETED);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.purgeExpired(10) == 1);
        assertThat(store.find(key)).isEmpty();
    }
}
