package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.testing.Together;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * On PostgreSQL, claims and completions made while as many as may be are in flight are written in one
 * statement each, every one still its own transition with its own answer and history row. The first calls
 * are held in flight from other connections (uncommitted inserts of the claimed keys, row locks on the
 * completed records), so the others certainly queue behind them; one statement shows in their history
 * rows, which all carry the same transaction time.
 *
 * <p>A grouped claim answers for its own key: a new key is claimed, a completed one replays its result, a
 * running one is in progress, another fingerprint is a mismatch, and an expired record, which the
 * insert-only statement cannot take, is claimed afresh by the full claim. Many threads of two stores
 * claiming overlapping keys in random orders claim each key exactly once, and no group deadlocks. A
 * grouped completion is fenced by its own token.
 */
class PostgresGroupedWritesTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofHours(1);
    private static final String FINGERPRINT = "fp-a";

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
    void claimsQueuedBehindThoseInFlightInsertTogetherAndEachGetsTheAnswerOfItsOwnKey() throws Exception {
        claimAndComplete("replay", "receipt-replay");
        claimAndComplete("mismatch", "receipt-mismatch");
        claimAndComplete("expired", "receipt-expired");
        expire("expired");
        ClaimResult.Claimed running = (ClaimResult.Claimed) claim("running", FINGERPRINT);
        List<String> held = TestDatabases.heldKeys(JdbcStore.CLAIM_GROUPS_IN_FLIGHT);
        List<String> fresh = List.of("new-0", "new-1", "new-2", "new-3", "new-4");
        Map<String, ClaimResult> answers = new ConcurrentHashMap<>();
        List<Connection> lockers = new ArrayList<>();
        try {
            for (String key : held) {
                lockers.add(insertUncommitted(key));
            }
            List<Thread> inFlight = TestDatabases.startHeld(held, key -> claimIn(key, FINGERPRINT, answers),
                    () -> TestDatabases.statementsWaitingForALock(url, "%INSERT INTO " + prefix + "records%"));

            List<Thread> queued = new ArrayList<>();
            for (String key : fresh) {
                queued.add(claimIn(key, FINGERPRINT, answers));
            }
            queued.add(claimIn("replay", FINGERPRINT, answers));
            queued.add(claimIn("running", FINGERPRINT, answers));
            queued.add(claimIn("mismatch", "fp-b", answers));
            queued.add(claimIn("expired", FINGERPRINT, answers));
            releaseFirstThenRest(lockers, inFlight, queued, Connection::rollback);
        } finally {
            for (Connection locker : lockers) {
                locker.close();
            }
        }

        assertThat(answers).hasSize(held.size() + fresh.size() + 4);
        for (String key : TestDatabases.concat(held, fresh)) {
            assertThat(answers.get(key)).as(key).isInstanceOfSatisfying(ClaimResult.Claimed.class,
                    claimed -> assertThat(claimed.token()).isEqualTo(1));
        }
        assertThat(answers.get("replay")).isInstanceOfSatisfying(ClaimResult.Completed.class,
                completed -> assertThat(new String(completed.result(), StandardCharsets.UTF_8)).isEqualTo("receipt-replay"));
        assertThat(answers.get("running")).isInstanceOfSatisfying(ClaimResult.InProgress.class,
                inProgress -> assertThat(inProgress.owner()).isEqualTo("node-a"));
        assertThat(answers.get("mismatch")).isInstanceOf(ClaimResult.Mismatch.class);
        assertThat(answers.get("expired")).as("an expired record is claimed afresh").isInstanceOfSatisfying(
                ClaimResult.Claimed.class, claimed -> assertThat(claimed.token()).isEqualTo(2));
        assertThat(store.find("running")).hasValueSatisfying(record -> assertThat(record.token()).isEqualTo(running.token()));

        Map<String, Timestamp> claimedAt = new HashMap<>();
        history("CLAIMED").forEach((key, times) -> claimedAt.put(key, times.get(times.size() - 1)));
        assertThat(fresh.stream().map(claimedAt::get).distinct()).as("one statement, one transaction time").hasSize(1);
        assertThat(held).allSatisfy(key -> assertThat(claimedAt.get(key)).isNotNull().isNotEqualTo(claimedAt.get("new-0")));
        assertThat(claimedAt.get("expired")).isNotEqualTo(claimedAt.get("new-0"));
    }

    @Test
    void manyThreadsOfTwoStoresClaimingOverlappingKeysInRandomOrdersClaimEachKeyOnce() throws Exception {
        int keys = 400;
        int threads = 64;
        JdbcStore other = TestDatabases.open(TestDatabases.builder(url).tablePrefix(prefix).poolSize(16), url);
        Map<String, AtomicInteger> claims = new ConcurrentHashMap<>();
        List<String> shared = new ArrayList<>();
        for (int k = 0; k < keys; k++) {
            shared.add("shared-" + k);
        }
        try {
            Together.run(threads, thread -> {
                JdbcStore mine = thread % 2 == 0 ? store : other;
                List<String> order = new ArrayList<>(shared);
                Collections.shuffle(order, new Random(thread));
                for (String key : order.subList(0, keys / 2)) {
                    if (mine.claim(new ClaimRequest(key, FINGERPRINT, LEASE, "node-" + mine.hashCode(), null))
                            instanceof ClaimResult.Claimed) {
                        claims.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                    }
                }
            });
        } finally {
            other.close();
        }

        assertThat(claims).hasSize(keys).allSatisfy((key, times) -> assertThat(times).as(key).hasValue(1));
        try (Connection connection = TestDatabases.connect(url); PreparedStatement query = connection.prepareStatement(
                "SELECT COUNT(*), COUNT(DISTINCT record_key) FROM " + prefix + "history WHERE event = 'CLAIMED'");
                ResultSet row = query.executeQuery()) {
            row.next();
            assertThat(row.getInt(1)).as("CLAIMED history rows").isEqualTo(keys);
            assertThat(row.getInt(2)).isEqualTo(keys);
        }
    }

    /** Ends a locker's transaction: commits it, or rolls it back. */
    @FunctionalInterface
    private interface Ending {
        void end(Connection locker) throws SQLException;
    }

    /**
     * Once every queued call waits its turn, ends the first locker's transaction, so that the first call in
     * flight ends and the queue goes as one group while the others are still held; then ends the others.
     */
    private static void releaseFirstThenRest(List<Connection> lockers, List<Thread> inFlight, List<Thread> queued,
            Ending ending) throws SQLException, InterruptedException {
        await().atMost(Duration.ofSeconds(10)).until(() -> queued.stream()
                .allMatch(thread -> thread.getState() == Thread.State.WAITING));
        ending.end(lockers.get(0));
        for (Thread thread : queued) {
            thread.join(10_000);
        }
        for (Connection locker : lockers) {
            ending.end(locker);
        }
        for (Thread thread : inFlight) {
            thread.join(10_000);
        }
    }

    private ClaimResult claim(String key, String fingerprint) {
        return store.claim(new ClaimRequest(key, fingerprint, LEASE, "node-a", null));
    }

    private void claimAndComplete(String key, String result) {
        ClaimResult.Claimed claimed = (ClaimResult.Claimed) claim(key, FINGERPRINT);
        assertThat(store.complete(new Completion(key, claimed.token(), result.getBytes(StandardCharsets.UTF_8), TTL,
                Duration.ofMillis(3), "node-a"))).isTrue();
    }

    private void expire(String key) throws SQLException {
        try (Connection connection = TestDatabases.connect(url); PreparedStatement update = connection.prepareStatement(
                "UPDATE " + prefix + "records SET expires_at = now() - INTERVAL '1 minute' WHERE record_key = ?")) {
            update.setString(1, key);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    private Thread claimIn(String key, String fingerprint, Map<String, ClaimResult> answers) {
        Thread thread = new Thread(() -> answers.put(key, claim(key, fingerprint)), key);
        thread.start();
        return thread;
    }

    /** A connection whose open transaction has inserted key's record, so that a claim of it waits. */
    private Connection insertUncommitted(String key) throws SQLException {
        Connection locker = TestDatabases.connect(url);
        locker.setAutoCommit(false);
        try (PreparedStatement insert = locker.prepareStatement("INSERT INTO " + prefix + "records (record_key, state, "
                + "last_event, token, attempt, owner_node, created_at, updated_at, has_steps, audit_seq) VALUES "
                + "(?, 'IN_PROGRESS', 'CLAIMED', 1, 1, 'locker', now(), now(), FALSE, 1)")) {
            insert.setString(1, key);
            insert.executeUpdate();
        }
        return locker;
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
                    () -> TestDatabases.statementsWaitingForALock(url, "%UPDATE " + prefix + "records%"));

            List<Thread> queued = new ArrayList<>();
            for (String key : grouped) {
                queued.add(complete(key, tokens.get(key), answers));
            }
            queued.add(complete("stale", tokens.get("stale") + 1, answers));
            releaseFirstThenRest(lockers, inFlight, queued, Connection::commit);
        } finally {
            for (Connection locker : lockers) {
                locker.close();
            }
        }

        assertThat(answers).hasSize(all.size()).containsEntry("stale", false);
        assertThat(TestDatabases.concat(held, grouped)).allSatisfy(key -> assertThat(answers).containsEntry(key, true));
        Map<String, Timestamp> completedAt = new HashMap<>();
        history("COMPLETED").forEach((key, times) -> {
            assertThat(times).as("COMPLETED rows of " + key).hasSize(1);
            completedAt.put(key, times.get(0));
        });
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

    /** The times of the history rows of {@code event}, per key, oldest first. */
    private Map<String, List<Timestamp>> history(String event) throws SQLException {
        Map<String, List<Timestamp>> times = new HashMap<>();
        try (Connection connection = TestDatabases.connect(url); PreparedStatement query = connection.prepareStatement(
                "SELECT record_key, occurred_at FROM " + prefix + "history WHERE event = ? ORDER BY record_key, seq")) {
            query.setString(1, event);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    times.computeIfAbsent(rows.getString(1), key -> new ArrayList<>()).add(rows.getTimestamp(2));
                }
            }
        }
        return times;
    }
}
