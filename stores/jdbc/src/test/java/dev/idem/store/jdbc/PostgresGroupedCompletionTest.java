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
 * On PostgreSQL, completions made while as many as may be are in flight are written in one statement, each
 * fenced by its own token and each with its own history row. The first completions are held in flight by
 * row locks taken on their records from other connections, so the others certainly queue behind them; one
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
    void completionsQueuedBehindThoseInFlightAreWrittenTogetherEachFencedByItsOwnToken() throws Exception {
        Map<String, Long> tokens = new HashMap<>();
        List<String> held = TestDatabases.heldKeys(JdbcStore.COMPLETION_GROUPS_IN_FLIGHT);
        List<String> grouped = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            grouped.add("pay-" + i);
        }
        List<String> all = new ArrayList<>(held);
        all.add("stale");
        all.addAll(grouped);
        for (String key : all) {
            tokens.put(key, ((ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "node-a", null))).token());
        }
        Map<String, Boolean> answers = new ConcurrentHashMap<>();
        List<Connection> lockers = new ArrayList<>();
        try {
            for (String key : held) {
                lockers.add(lockRecord(key));
            }
            List<Thread> inFlight = TestDatabases.startHeld(held, key -> complete(key, tokens.get(key), answers),
                    this::completionsWaitingForALock);

            List<Thread> queued = new ArrayList<>();
            for (String key : grouped) {
                queued.add(complete(key, tokens.get(key), answers));
            }
            queued.add(complete("stale", tokens.get("stale") + 1, answers));
            await().atMost(Duration.ofSeconds(10)).until(() -> queued.stream()
                    .allMatch(thread -> thread.getState() == Thread.State.WAITING));
            // One completion in flight ends: the queue goes in one group, while the others are still held.
            lockers.get(0).commit();
            for (Thread thread : queued) {
                thread.join(10_000);
            }
            for (Connection locker : lockers) {
                locker.commit();
            }
            for (Thread thread : inFlight) {
                thread.join(10_000);
            }
        } finally {
            for (Connection locker : lockers) {
                locker.close();
            }
        }

        assertThat(answers).hasSize(all.size()).containsEntry("stale", false);
        assertThat(TestDatabases.concat(held, grouped)).allSatisfy(key -> assertThat(answers).containsEntry(key, true));
        Map<String, Timestamp> completedAt = completedHistory();
        assertThat(completedAt).containsOnlyKeys(TestDatabases.concat(held, grouped));
        assertThat(grouped.stream().map(completedAt::get).distinct()).as("one statement, one transaction time").hasSize(1);
        assertThat(held).allSatisfy(key -> assertThat(completedAt.get(key)).isNotEqualTo(completedAt.get("pay-0")));
        for (String key : grouped) {
            assertThat(store.find(key)).hasValueSatisfying(record -> {
                assertThat(record.state()).hasToString("COMPLETED");
                assertThat(new String(record.result(), StandardCharsets.UTF_8)).isEqualTo("receipt-" + key);
            });
        }
        assertThat(store.find("stale")).hasValueSatisfying(record -> assertThat(record.state()).hasToString("IN_PROGRESS"));
    }

    /** A connection whose open transaction holds the row lock of key's record, so that writes to it wait. */
    private Connection lockRecord(String key) throws SQLException {
        Connection locker = TestDatabases.connect(url);
        locker.setAutoCommit(false);
        try (PreparedStatement lock = locker.prepareStatement(
                "SELECT 1 FROM " + prefix + "records WHERE record_key = ? FOR UPDATE")) {
            lock.setString(1, key);
            lock.executeQuery().close();
        }
        return locker;
    }

    private Thread complete(String key, long token, Map<String, Boolean> answers) {
        Thread thread = new Thread(() -> answers.put(key, store.complete(new Completion(key, token,
                ("receipt-" + key).getBytes(StandardCharsets.UTF_8), TTL, Duration.ofMillis(3), "node-a"))), key);
        thread.start();
        return thread;
    }

    private int completionsWaitingForALock() {
        return TestDatabases.statementsWaitingForALock(url, "%UPDATE " + prefix + "records%");
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
}
