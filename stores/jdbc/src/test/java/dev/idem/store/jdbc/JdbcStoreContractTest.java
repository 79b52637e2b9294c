package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.IdempotencyStoreException;
import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.DueJob;
import dev.idem.store.DurableStoreContractTest;
import dev.idem.store.ErrorInfo;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.Keys;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import dev.idem.store.StepWrite;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The store contract and the JDBC store's own promises, run against one real database per subclass.
 * Two stores with their own pools play two JVMs. The tables get a prefix of their own, dropped at the
 * end, so that test runs sharing the database never see each other's deferred jobs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class JdbcStoreContractTest extends DurableStoreContractTest {

    private static final String NODE = "node-a";

    private final String prefix = TestDatabases.uniquePrefix("contract");
    private JdbcStore store;
    private JdbcStore other;
    private TestDatabases.DatabaseClock clock;

    /** The database under test. */
    abstract String url();

    @BeforeAll
    void openStores() throws SQLException {
        store = TestDatabases.open(TestDatabases.builder(url()).tablePrefix(prefix), url());
        other = TestDatabases.open(TestDatabases.builder(url()).tablePrefix(prefix), url());
        clock = new TestDatabases.DatabaseClock(url(), store.dialect());
    }

    @AfterAll
    void closeStores() throws SQLException {
        if (store != null) {
            store.close();
        }
        if (other != null) {
            other.close();
        }
        if (clock != null) {
            clock.close();
        }
        TestDatabases.dropTables(url(), prefix);
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }

    @Override
    protected IdempotencyStore otherClient() {
        return other;
    }

    @Override
    protected void elapse(Duration duration) {
        clock.elapse(duration);
    }

    @Override
    protected void corrupt(String key) {
        assertThat(TestDatabases.execute(url(), "UPDATE " + prefix + "records SET state = 'SHREDDED' WHERE record_key = ?", key))
                .isEqualTo(1);
    }

    private ClaimResult.Claimed claimed(String key, String fingerprint, Duration lease) {
        ClaimResult result = store.claim(new ClaimRequest(key, fingerprint, lease, NODE, null));
        assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
        return (ClaimResult.Claimed) result;
    }

    private ClaimResult.Claimed claimed(String key) {
        return claimed(key, "fp-1", LEASE);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private boolean saveStep(String key, long token, String step, String value) {
        return store.saveStep(new StepWrite(key, token, step, bytes(value), NODE));
    }

    private boolean fail(String key, long token, FailureOutcome outcome) {
        return store.fail(new Failure(key, token, outcome, new ErrorInfo("com.example.GatewayDown", "503"),
                Duration.ofMillis(3), NODE));
    }

    private long stepRows(String key) {
        return TestDatabases.count(url(), "SELECT COUNT(*) FROM " + prefix + "steps WHERE record_key = ?", key);
    }

    @Test
    void keysThatDifferOnlyInCaseOrTrailingSpacesAreDifferentRecords() {
        List<String> keys = List.of(key("order-1"), key("ORDER-1"), key("order-1 "), key("order-1  "));
        for (String key : keys) {
            assertThat(claimed(key).token()).isEqualTo(1);
        }
        for (int i = 0; i < keys.size(); i++) {
            assertThat(store.complete(new Completion(keys.get(i), 1, bytes("\"" + i + "\""), TTL, Duration.ZERO, NODE)))
                    .isTrue();
        }
        for (int i = 0; i < keys.size(); i++) {
            ClaimResult replay = store.claim(new ClaimRequest(keys.get(i), "fp-1", LEASE, NODE, null));
            assertThat(text(((ClaimResult.Completed) replay).result())).isEqualTo("\"" + i + "\"");
            assertThat(store.find(keys.get(i)).orElseThrow().key()).isEqualTo(keys.get(i));
        }
    }

    @Test
    void exactlyOneOfManyClaimersTakesOverAnExpiredLeaseOrADueJob() throws Exception {
        String lease = key("expired-lease");
        claimed(lease, "fp-1", shortLease());
        String job = key("due-job");
        fail(job, claimed(job).token(), new FailureOutcome.Schedule(shortLease(), bytes("job")));
        elapse(shortLease().plusMillis(50));

        List<Callable<Boolean>> claimers = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            IdempotencyStore client = i % 2 == 0 ? store : other;
            String node = "racer-" + i;
            claimers.add(() -> client.claim(new ClaimRequest(lease, "fp-1", LEASE, node, null))
                    instanceof ClaimResult.Claimed);
            claimers.add(i % 4 == 0
                    ? () -> client.claimDue(50, LEASE, node).stream().anyMatch(due -> due.key().equals(job))
                    : () -> client.claim(new ClaimRequest(job, "fp-1", LEASE, node, null)) instanceof ClaimResult.Claimed);
        }
        ExecutorService pool = Executors.newFixedThreadPool(16);
        int wins = 0;
        try {
            for (Future<Boolean> won : pool.invokeAll(claimers)) {
                wins += won.get() ? 1 : 0;
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(wins).isEqualTo(2);
        assertThat(store.history(lease)).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.TAKEN_OVER);
        assertThat(store.history(job)).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.SCHEDULED, AuditEvent.RESUMED);
        assertThat(store.find(job).orElseThrow().token()).isEqualTo(2);
    }

    @Test
    void savedStepsComeBackWithFindAndListAndGoWithTheCompletion() {
        String key = key("steps");
        ClaimResult.Claimed claimed = claimed(key);
        assertThat(saveStep(key, claimed.token(), "reserve", "1")).isTrue();
        assertThat(saveStep(key, claimed.token(), "charge", "\"ch_1\"")).isTrue();
        assertThat(saveStep(key, claimed.token(), "reserve", "2")).isTrue();

        IdempotencyRecord found = store.find(key).orElseThrow();
        assertThat(found.steps()).containsOnlyKeys("reserve", "charge");
        assertThat(text(found.steps().get("reserve"))).isEqualTo("2");
        List<IdempotencyRecord> listed = store.list(new RecordQuery(null, null, null, key, 10));
        assertThat(listed).hasSize(1);
        assertThat(text(listed.get(0).steps().get("charge"))).isEqualTo("\"ch_1\"");
        assertThat(stepRows(key)).isEqualTo(2);

        assertThat(store.complete(new Completion(key, claimed.token(), bytes("1"), TTL, Duration.ZERO, NODE))).isTrue();
        assertThat(store.find(key).orElseThrow().steps()).isEmpty();
        assertThat(stepRows(key)).isZero();
    }

    @Test
    void claimDueReturnsEachJobWithItsSavedSteps() {
        String key = key("due-steps");
        ClaimResult.Claimed claimed = claimed(key);
        saveStep(key, claimed.token(), "charge", "\"ch_9\"");
        assertThat(fail(key, claimed.token(), new FailureOutcome.Schedule(Duration.ZERO, bytes("invocation")))).isTrue();

        List<DueJob> mine = new ArrayList<>();
        for (List<DueJob> batch = other.claimDue(10, LEASE, "worker"); !batch.isEmpty() && mine.isEmpty();
                batch = other.claimDue(10, LEASE, "worker")) {
            batch.stream().filter(job -> job.key().equals(key)).forEach(mine::add);
        }

        assertThat(mine).hasSize(1);
        DueJob job = mine.get(0);
        assertThat(job.token()).isEqualTo(2);
        assertThat(job.attempt()).isEqualTo(2);
        assertThat(job.fingerprint()).isEqualTo("fp-1");
        assertThat(text(job.invocation())).isEqualTo("invocation");
        assertThat(text(job.steps().get("charge"))).isEqualTo("\"ch_9\"");
        assertThat(store.history(key)).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.STEP_SAVED, AuditEvent.SCHEDULED, AuditEvent.RESUMED);
        assertThat(store.history(key).get(3).node()).isEqualTo("worker");
    }

    @Test
    void anExpiredReleasedRecordStartsAfreshWithoutItsStepsAndWithTheNewFingerprint() {
        String key = key("released-expired");
        ClaimResult.Claimed first = claimed(key);
        saveStep(key, first.token(), "reserve", "7");
        assertThat(fail(key, first.token(), new FailureOutcome.Release(shortLease()))).isTrue();

        elapse(shortLease().plusMillis(50));
        ClaimResult.Claimed again = claimed(key, "fp-2", LEASE);

        assertThat(again.token()).isEqualTo(2);
        assertThat(again.attempt()).isEqualTo(1);
        assertThat(again.event()).isEqualTo(AuditEvent.CLAIMED);
        assertThat(again.steps()).isEmpty();
        IdempotencyRecord record = store.find(key).orElseThrow();
        assertThat(record.fingerprint()).isEqualTo("fp-2");
        assertThat(record.error()).isNull();
        assertThat(stepRows(key)).isZero();
    }

    @Test
    void aCancelledJobKeepsItsStepsForTheNextClaim() {
        String key = key("cancelled-steps");
        ClaimResult.Claimed first = claimed(key);
        saveStep(key, first.token(), "reserve", "7");
        fail(key, first.token(), new FailureOutcome.Schedule(Duration.ofHours(1), bytes("x")));
        store.cancel(key, TTL, "operator");

        ClaimResult.Claimed again = claimed(key);

        assertThat(again.event()).isEqualTo(AuditEvent.CLAIMED);
        assertThat(again.token()).isEqualTo(2);
        assertThat(text(again.steps().get("reserve"))).isEqualTo("7");
    }

    @Test
    void aRememberedFailureDropsStepsAndInvocationAndKeepsTheError() {
        String key = key("remembered");
        ClaimResult.Claimed claimed = claimed(key);
        saveStep(key, claimed.token(), "reserve", "7");

        assertThat(fail(key, claimed.token(), new FailureOutcome.Remember(TTL))).isTrue();

        IdempotencyRecord record = store.find(key).orElseThrow();
        assertThat(record.state()).isEqualTo(RecordState.FAILED);
        assertThat(record.steps()).isEmpty();
        assertThat(record.invocation()).isNull();
        assertThat(record.error()).isEqualTo(new ErrorInfo("com.example.GatewayDown", "503"));
        assertThat(Duration.between(record.updatedAt(), record.expiresAt())).isEqualTo(TTL);
        assertThat(stepRows(key)).isZero();
    }

    @Test
    void historyKeepsErrorsElapsedTimesAndOperators() {
        String key = key("audit");
        ClaimResult.Claimed claimed = claimed(key);
        assertThat(fail(key, claimed.token(), new FailureOutcome.Dead())).isTrue();
        store.requeue(key, "operator-1");
        claimed(key);

        List<AuditEntry> history = store.history(key);

        assertThat(history).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED, AuditEvent.DEAD,
                AuditEvent.REQUEUED, AuditEvent.RESUMED);
        AuditEntry dead = history.get(1);
        assertThat(dead.state()).isEqualTo(RecordState.DEAD);
        assertThat(dead.error()).isEqualTo(new ErrorInfo("com.example.GatewayDown", "503"));
        assertThat(dead.elapsed()).isEqualTo(Duration.ofMillis(3));
        AuditEntry requeued = history.get(2);
        assertThat(requeued.node()).isEqualTo("operator-1");
        assertThat(requeued.state()).isEqualTo(RecordState.SCHEDULED);
        assertThat(requeued.attempt()).isZero();
        assertThat(requeued.error()).isNull();
        assertThat(requeued.elapsed()).isNull();
        assertThat(history.get(0).error()).isNull();
    }

    @Test
    void aHashedKeyKeepsItsOriginalForTheAudit() {
        Keys.StoreKey hashed = Keys.of(key("ns").replace(":", "-"), "k".repeat(400) + "\n");
        store.claim(new ClaimRequest(hashed.full(), null, LEASE, NODE, hashed.original()));

        assertThat(store.find(hashed.full()).orElseThrow().originalKey()).isEqualTo(hashed.original());
    }

    @Test
    void timesComeFromTheDatabaseClock() {
        String key = key("clock");
        Instant before = clock.now();
        claimed(key);
        Instant after = clock.now();

        IdempotencyRecord record = store.find(key).orElseThrow();
        assertThat(record.createdAt()).isBetween(before, after);
        assertThat(record.updatedAt()).isEqualTo(record.createdAt());
        assertThat(store.history(key).get(0).at()).isEqualTo(record.createdAt());
    }

    @Test
    void rowsWithImpossibleValuesGiveAClearErrorNamingTheirKey() {
        String noLease = key("no-lease");
        claimed(noLease);
        TestDatabases.execute(url(), "UPDATE " + prefix + "records SET lease_until = NULL WHERE record_key = ?", noLease);
        assertThatThrownBy(() -> other.claim(new ClaimRequest(noLease, null, LEASE, "node-b", null)))
                .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining(noLease)
                .hasMessageContaining("lease_until");
        assertThatThrownBy(() -> store.find(noLease)).isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining(noLease);

        String badHistory = key("bad-history");
        claimed(badHistory);
        TestDatabases.execute(url(), "UPDATE " + prefix + "history SET event = 'EXPLODED' WHERE record_key = ?", badHistory);
        assertThatThrownBy(() -> store.history(badHistory)).isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining(badHistory).hasMessageContaining("EXPLODED");

        corrupt(noLease);
        assertThat(store.countByState()).isNotEmpty();
    }

    @Test
    void argumentsTheTablesCannotHoldAreRefusedWithAClearError() {
        String key = key("arguments");
        assertThatThrownBy(() -> store.claim(new ClaimRequest(key, null, LEASE, "n".repeat(256), null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node");
        assertThatThrownBy(() -> store.claim(new ClaimRequest(key, "f".repeat(256), LEASE, NODE, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fingerprint");
        assertThatThrownBy(() -> store.claim(new ClaimRequest(key, null, Duration.ofDays(400_000), NODE, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
        assertThatThrownBy(() -> store.renew(key, 1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease");
        assertThatThrownBy(() -> store.cancel(key, Duration.ofSeconds(-1), NODE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("retention");
        assertThatThrownBy(() -> store.claimDue(0, LEASE, NODE)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.purgeExpired(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(store.find(key)).isEmpty();
    }

    @Test
    void aVeryLongErrorTypeIsCutRatherThanLosingTheOutcome() {
        String key = key("long-error");
        ClaimResult.Claimed claimed = claimed(key);
        ErrorInfo error = new ErrorInfo("com.example." + "Nested$".repeat(100) + "Failure", "m");

        assertThat(store.fail(new Failure(key, claimed.token(), new FailureOutcome.Dead(), error, Duration.ZERO, NODE)))
                .isTrue();

        assertThat(store.find(key).orElseThrow().error().type()).hasSize(ErrorInfo.MAX_TYPE_LENGTH)
                .startsWith("com.example.Nested$");
    }
}
