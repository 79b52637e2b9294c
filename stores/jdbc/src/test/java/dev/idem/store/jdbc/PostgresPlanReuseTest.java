package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.DueJob;
import dev.idem.store.ErrorInfo;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The claim of due jobs and the grouped completion each keep one plan on PostgreSQL instead of being
 * planned at every execution, which costs more than their writes: after its five custom plans, PostgreSQL
 * runs each on its generic plan, whether or not the tables have statistics. Read from
 * {@code pg_prepared_statements} of the one pooled connection every statement runs on. Without
 * statistics the claim still reads due jobs in order from the index instead of sorting the backlog, and
 * the generic plans of the grouped claim and completion, made on an empty table, read records by the
 * primary key rather than scanning the table, which would scan it whole at every group once it has grown.
 */
class PostgresPlanReuseTest {

    private static final int ROUNDS = 20;
    private static final int BATCH = 4;
    private static final int BACKLOG = 40_000;
    private static final Duration LEASE = Duration.ofSeconds(30);

    private final String url = TestDatabases.postgresUrl();
    private final String prefix = TestDatabases.uniquePrefix("plans");
    private HikariDataSource pool;
    private JdbcStore store;
    private PostgresOperations operations;

    @BeforeEach
    void open() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(1);
        pool = new HikariDataSource(config);
        store = JdbcStore.builder().dataSource(pool).tablePrefix(prefix).createSchema(true).build();
        Schema schema = new Schema(JdbcDialect.POSTGRESQL, prefix);
        Database database = new Database(pool, null, JdbcDialect.POSTGRESQL, "plans", Duration.ofSeconds(5));
        operations = new PostgresOperations(database, new Queries(database, schema), schema);
    }

    @AfterEach
    void close() {
        store.close();
        pool.close();
        TestDatabases.dropTables(url, prefix);
    }

    @Test
    void claimsAndGroupedCompletionsAreNotPlannedAgainAtEveryExecution() throws SQLException {
        claimAndCompleteInRounds(false);
    }

    @Test
    void onAnalyzedTablesClaimsAndGroupedCompletionsAreNotPlannedAgainEither() throws SQLException {
        claimAndCompleteInRounds(true);
    }

    @Test
    void withoutStatisticsTheClaimReadsDueJobsInOrderFromTheIndexInsteadOfSortingTheBacklog() throws SQLException {
        assertThat(TestDatabases.execute(url, "INSERT INTO " + prefix + "records (record_key, state, last_event, token, "
                + "attempt, owner_node, created_at, updated_at, next_attempt_at, has_steps, audit_seq, invocation) "
                + "SELECT 'backlog-' || n, 'SCHEDULED', 'SCHEDULED', 1, 1, 'node-a', now(), now(), "
                + "now() - n * INTERVAL '1 millisecond', FALSE, 2, '\\x01' FROM generate_series(1, ?) n", BACKLOG))
                .isEqualTo(BACKLOG);
        StringBuilder plan = new StringBuilder();
        try (Connection connection = pool.getConnection();
             PreparedStatement explain = connection.prepareStatement("EXPLAIN " + operations.claimDue(16))) {
            explain.setString(1, "node-a");
            explain.setLong(2, LEASE.toNanos() / 1_000);
            AuditRow.bind(explain, 3, "node-a", null, null, null);
            try (ResultSet lines = explain.executeQuery()) {
                while (lines.next()) {
                    plan.append(lines.getString(1)).append('\n');
                }
            }
        }
        assertThat(plan.toString()).contains("Index Scan using " + prefix + "records_next_attempt_idx")
                .doesNotContain("Bitmap").doesNotContain("Seq Scan");
    }

    @Test
    void theGroupedClaimAndCompletionKeptOnAnEmptyTableWithoutStatisticsReadThePrimaryKey() throws SQLException {
        String completion = genericPlan(operations.completeGroup(2),
                "'\\x01', 1000000, 'a', 1, 'node-a', 2000, '\\x01', 1000000, 'b', 1, 'node-a', 2000");
        String claim = genericPlan(operations.claimNewGroup(2), "'a', NULL, NULL, 'node-a', 30000000, "
                + "'b', NULL, NULL, 'node-a', 30000000");

        assertThat(completion).as("generic: the keys are parameters").contains("Index Cond: ((record_key)::text = (($3)");
        for (String plan : List.of(completion, claim)) {
            assertThat(plan).contains("Index Scan using " + prefix + "records_pk")
                    .doesNotContain("Seq Scan on " + prefix + "records");
        }
    }

    /** The generic plan PostgreSQL makes for {@code sql} (its parameters numbered) with these arguments. */
    private String genericPlan(String sql, String arguments) throws SQLException {
        StringBuilder numbered = new StringBuilder();
        int parameter = 0;
        for (char c : sql.toCharArray()) {
            numbered.append(c == '?' ? "$" + ++parameter : String.valueOf(c));
        }
        StringBuilder plan = new StringBuilder();
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET plan_cache_mode = force_generic_plan");
            statement.execute("PREPARE grouped AS " + numbered);
            try (ResultSet lines = statement.executeQuery("EXPLAIN EXECUTE grouped(" + arguments + ")")) {
                while (lines.next()) {
                    plan.append(lines.getString(1)).append('\n');
                }
            } finally {
                statement.execute("DEALLOCATE grouped");
                statement.execute("RESET plan_cache_mode");
            }
        }
        return plan.toString();
    }

    private void claimAndCompleteInRounds(boolean analyzed) throws SQLException {
        for (int i = 0; i < ROUNDS * BATCH; i++) {
            schedule("job-" + i);
        }
        if (analyzed) {
            TestDatabases.execute(url, "ANALYZE " + prefix + "records");
        }
        try (Connection connection = pool.getConnection()) {
            for (int round = 0; round < ROUNDS; round++) {
                List<DueJob> jobs = operations.claimDue(connection, BATCH, LEASE, "node-a");
                assertThat(jobs).hasSize(BATCH);
                List<Completion> group = new ArrayList<>();
                for (DueJob job : jobs) {
                    group.add(new Completion(job.key(), job.token(), "done".getBytes(StandardCharsets.UTF_8),
                            Duration.ofHours(1), Duration.ofMillis(2), "node-a"));
                }
                assertThat(operations.completeAll(connection, group)).containsOnly(true);
            }
            assertThat(plans(connection, "%done" + BATCH + " AS (%")).as("grouped completion")
                    .satisfies(PostgresPlanReuseTest::reused);
            assertThat(plans(connection, "%LIMIT " + BATCH + " FOR UPDATE SKIP LOCKED%")).as("claim of due jobs")
                    .satisfies(PostgresPlanReuseTest::reused);
        }
        assertThat(store.countByState()).containsOnlyKeys(dev.idem.store.RecordState.COMPLETED);
    }

    private void schedule(String key) {
        long token = ((ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "node-a", null))).token();
        assertThat(store.fail(new Failure(key, token, new FailureOutcome.Schedule(Duration.ZERO, new byte[] {1}),
                new ErrorInfo("java.net.ConnectException", "gateway down"), Duration.ofMillis(5), "node-a"))).isTrue();
    }

    /** Generic and custom plans of the one prepared statement whose text is like {@code pattern}. */
    private static long[] plans(Connection connection, String pattern) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE ?")) {
            query.setString(1, pattern);
            try (ResultSet row = query.executeQuery()) {
                assertThat(row.next()).as("a server-prepared statement like " + pattern).isTrue();
                long[] plans = {row.getLong(1), row.getLong(2)};
                assertThat(row.next()).as("one statement like " + pattern).isFalse();
                return plans;
            }
        }
    }

    private static void reused(long[] plans) {
        assertThat(plans[1]).as("custom plans").isLessThanOrEqualTo(5);
        assertThat(plans[0]).as("executions on the generic plan").isGreaterThanOrEqualTo(5);
    }
}
