package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL, completions made while another completion is in flight are written in one statement, each
 * fenced by its own token and each with its own history row. The first completion is held in flight by a
 * row lock taken on its record from another connection, so the others certainly queue behind it; one
 * statement shows in their history rows, which all carry the same transaction time.
 */
class PostgresGroupedCompletionTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofHours(1);

    private final String url = TestDatabases.postgresUrl();
    private final String prefix = TestDatabases.uniquePrefix("grouped");
    private JdbcStore store;

    @BeforeEach
    void openStore() {
        store = TestDatabases.open(TestDatabases.builder(url).tablePrefix(prefix).poolSize(16), url);
    }

    @AfterEach
    void closeStore() {
        store.close();
        TestDatabases.dropTables(url, prefix);
    }

    @Test
    void completionsQueuedBehindOneInFlightAreWrittenTogetherEachFencedByItsOwnToken() throws Exception {
        Map<String, Long> tokens = new HashMap<>();
        List<String> grouped = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            grouped.add("pay-" + i);
        }
        for (String key : concat("held", "stale", grouped)) {
            tokens.put(key, ((ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "node-a", null))).token());
        }
        Map<String, Boolean> answers = new ConcurrentHashMap<>();
        try (Connection locker = TestDatabases.connect(url)) {
            locker.setAutoCommit(false);
            try (PreparedStatement lock = locker.prepareStatement(
                    "SELECT 1 FROM " + prefix + "records WHERE record_key = 'held' FOR UPDATE")) {
                lock.executeQuery().close();
            }
            Thread held = complete("held", tokens.get("held"), answers);
            await().atMost(Duration.ofSeconds(10)).until(this::completionsWaitingForALock, count -> count == 1);

            List<Thread> queued = new ArrayList<>();
            for (String key : grouped) {
                queued.add(complete(key, tokens.get(key), answers));
            }
            queued.add(complete("stale", tokens.get("stale") + 1, answers));
            await().atMost(Duration.ofSeconds(10)).until(() -> queued.stream()
                    .allMatch(thread -> thread.getState() == Thread.State.WAITING));
            locker.commit();

            held.join(10_000);
            for (Thread thread : queued) {
                thread.join(10_000);
            }
        }

        assertThat(answers).hasSize(12).containsEntry("held", true).containsEntry("stale", false);
        assertThat(grouped).allSatisfy(key -> assertThat(answers).containsEntry(key, true));
        Map<String, Timestamp> completedAt = completedHistory();
        assertThat(completedAt).containsOnlyKeys(concat("held", null, grouped));
        assertThat(grouped.stream().map(completedAt::get).distinct()).as("one statement, one transaction time").hasSize(1);
        assertThat(completedAt.get("held")).isNotEqualTo(completedAt.get("pay-0"));
        for (String key : grouped) {
            assertThat(store.find(key)).hasValueSatisfying(record -> {
                assertThat(record.state()).hasToString("COMPLETED");
                assertThat(new String(record.result(), StandardCharsets.UTF_8)).isEqualTo("receipt-" + key);
            });
        }
        assertThat(store.find("stale")).hasValueSatisfying(record -> assertThat(record.state()).hasToString("IN_PROGRESS"));
    }

    private Thread complete(String key, long token, Map<String, Boolean> answers) {
        Thread thread = new Thread(() -> answers.put(key, store.complete(new Completion(key, token,
                ("receipt-" + key).getBytes(StandardCharsets.UTF_8), TTL, Duration.ofMillis(3), "node-a"))), key);
        thread.start();
        return thread;
    }

    private int completionsWaitingForALock() throws SQLException {
        try (Connection connection = TestDatabases.connect(url); PreparedStatement query = connection.prepareStatement(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE ?")) {
            query.setString(1, "%UPDATE " + prefix + "records%");
            try (ResultSet row = query.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private Map<String, Timestamp> completedHistory() throws SQLException {
        Map<String, Timestamp> completedAt = new HashMap<>();
        try (Connection connection = TestDatabases.connect(url); PreparedStatement query = connection.prepareStatement(
                "SELECT record_key, occurred_at FROM " + prefix + "history WHERE event = 'COMPLETED'");
                ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                assertThat(completedAt.put(rows.getString(1), rows.getTimestamp(2))).as("one COMPLETED row per key").isNull();
            }
        }
        return completedAt;
    }

    private static List<String> concat(String first, String second, List<String> rest) {
        List<String> all = new ArrayList<>();
        all.add(first);
        if (second != null) {
            all.add(second);
        }
        all.addAll(rest);
        return all;
    }
}
