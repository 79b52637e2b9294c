package dev.idem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.testing.Together;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract, run against every store: each store's test extends this class. Keys are unique per
 * test so that stores backed by a shared server need no cleanup between tests.
 */
public abstract class StoreContractTest {

    protected static final Duration LEASE = Duration.ofSeconds(30);
    protected static final Duration TTL = Duration.ofHours(1);
    private static final String NODE = "node-a";
    private static final String OTHER_NODE = "node-b";

    private String namespace;

    /** The store under test. */
    protected abstract IdempotencyStore store();

    /** A second, independent client of the same store, as another JVM would have. */
    protected abstract IdempotencyStore otherClient();

    /**
     * Lets {@code duration} pass on the store's clock. Stores on a server clock wait for it; the in-memory
     * store advances its injected clock.
     */
    protected abstract void elapse(Duration duration);

    /** A lease short enough for {@link #elapse} to outlast quickly. */
    protected Duration shortLease() {
        return Duration.ofMillis(300);
    }

    @BeforeEach
    void newNamespace() {
        namespace = "contract-" + UUID.randomUUID();
    }

    protected String key(String name) {
        return namespace + ":" + name;
    }

    private ClaimResult claim(String key) {
        return store().claim(new ClaimRequest(key, "fp-1", LEASE, NODE, null));
    }

    private ClaimResult.Claimed claimed(String key) {
        ClaimResult result = claim(key);
        assertThat(result).isInstanceOf(ClaimResult.Claimed.class);
        return (ClaimResult.Claimed) result;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private boolean complete(String key, long token, String result) {
        return store().complete(new Completion(key, token, bytes(result), TTL, Duration.ofMillis(5), NODE));
    }

    private boolean fail(String key, long token, FailureOutcome outcome) {
        return store().fail(new Failure(key, token, outcome, new ErrorInfo("com.example.GatewayDown", "503 from gateway"),
                Duration.ofMillis(7), NODE));
    }

    @Test
    void aNewKeyIsClaimedWithTokenOne() {
        String key = key("new");
        ClaimResult.Claimed claimed = claimed(key);

        assertThat(claimed.token()).isEqualTo(1);
        assertThat(claimed.attempt()).isEqualTo(1);
        assertThat(claimed.steps()).isEmpty();
        assertThat(claimed.event()).isEqualTo(AuditEvent.CLAIMED);
        IdempotencyRecord record = store().find(key).orElseThrow();
        assertThat(record.state()).isEqualTo(RecordState.IN_PROGRESS);
        assertThat(record.owner()).isEqualTo(NODE);
        assertThat(record.fingerprint()).isEqualTo("fp-1");
        assertThat(record.leaseUntil()).isAfter(record.createdAt());
        assertThat(Duration.between(record.createdAt(), record.leaseUntil())).isEqualTo(LEASE);
    }

    @Test
    void aHeldKeyAnswersInProgressWithTheLeaseEndAndOwner() {
        String key = key("held");
        claimed(key);

        ClaimResult second = store().claim(new ClaimRequest(key, "fp-1", LEASE, OTHER_NODE, null));

        assertThat(second).isInstanceOf(ClaimResult.InProgress.class);
        ClaimResult.InProgress inProgress = (ClaimResult.InProgress) second;
        assertThat(inProgress.owner()).isEqualTo(NODE);
        assertThat(inProgress.leaseUntil()).isEqualTo(store().find(key).orElseThrow().leaseUntil());
    }

    @Test
    void aCompletedKeyReplaysItsResult() {
        String key = key("done");
        ClaimResult.Claimed claimed = claimed(key);

        assertThat(complete(key, claimed.token(), "{\"receipt\":42}")).isTrue();

        ClaimResult replay = claim(key);
        assertThat(replay).isInstanceOf(ClaimResult.Completed.class);
        assertThat(new String(((ClaimResult.Completed) replay).result(), StandardCharsets.UTF_8)).isEqualTo("{\"receipt\":42}");
        IdempotencyRecord record = store().find(key).orElseThrow();
        assertThat(record.state()).isEqualTo(RecordState.COMPLETED);
        assertThat(record.leaseUntil()).isNull();
        assertThat(Duration.between(record.updatedAt(), record.expiresAt())).isEqualTo(TTL);
    }

    @Test
    void historyRecordsEveryTransitionInOrderInTheSameStep() {
        String key = key("history");
        ClaimResult.Claimed claimed = claimed(key);
        assertThat(store().saveStep(new StepWrite(key, claimed.token(), "charge", bytes("\"ch_1\""), NODE))).isTrue();
        assertThat(complete(key, claimed.token(), "1")).isTrue();

        List<AuditEntry> history = store().history(key);

        assertThat(history).extracting(AuditEntry::event)
                .containsExactly(AuditEvent.CLAIMED, AuditEvent.STEP_SAVED, AuditEvent.COMPLETED);
        assertThat(history).extracting(AuditEntry::sequence).containsExactly(1L, 2L, 3L);
        assertThat(history).extracting(AuditEntry::state)
                .containsExactly(RecordState.IN_PROGRESS, RecordState.IN_PROGRESS, RecordState.COMPLETED);
        assertThat(history).allSatisfy(entry -> {
            assertThat(entry.key()).isEqualTo(key);
            assertThat(entry.token()).isEqualTo(1);
            assertThat(entry.node()).isEqualTo(NODE);
            assertThat(entry.fingerprint()).isEqualTo("fp-1");
        });
        assertThat(history.get(1).detail()).isEqualTo("charge");
        assertThat(history.get(2).elapsed()).isEqualTo(Duration.ofMillis(5));
        assertThat(history.get(0).at()).isBeforeOrEqualTo(history.get(2).at());
    }

    @Test
    void aStaleTokenCannotCompleteFailRenewOrSaveASteps() {
        String key = key("stale");
        ClaimResult.Claimed claimed = claimed(key);
        long stale = claimed.token() + 7;

        assertThat(complete(key, stale, "x")).isFalse();
        assertThat(fail(key, stale, new FailureOutcome.Release(TTL))).isFalse();
        assertThat(store().renew(key, stale, LEASE)).isFalse();
        assertThat(store().saveStep(new StepWrite(key, stale, "s", bytes("1"), NODE))).isFalse();

        IdempotencyRecord record = store().find(key).orElseThrow();
        assertThat(record.state()).isEqualTo(RecordState.IN_PROGRESS);
        assertThat(record.steps()).isEmpty();
        assertThat(store().history(key)).hasSize(1);
    }

    @Test
    void writesToAKeyWithNoRecordAreRefused() {
        String key = key("absent");
        assertThat(complete(key, 1, "x")).isFalse();
        assertThat(store().renew(key, 1, LEASE)).isFalse();
        assertThat(store().find(key)).isEmpty();
    }

    @Test
    void aDifferentFingerprintIsAMismatchWhileTheRecordLives() {
        String key = key("mismatch");
        ClaimResult.Claimed claimed = claimed(key);

        assertThat(store().claim(new ClaimRequest(key, "fp-2", LEASE, OTHER_NODE, null)))
                .isInstanceOf(ClaimResult.Mismatch.class);
        complete(key, claimed.token(), "1");
        assertThat(store().claim(new ClaimRequest(key, "fp-2", LEASE, OTHER_NODE, null)))
                .isInstanceOf(ClaimResult.Mismatch.class);
        assertThat(store().claim(new ClaimRequest(key, null, LEASE, OTHER_NODE, null)))
                .isInstanceOf(ClaimResult.Completed.class);
    }

    @Test
    void anExpiredLeaseIsTakenOverAndTheFirstOwnerIsFencedOut() {
        String key = key("takeover");
        ClaimResult.Claimed first = (ClaimResult.Claimed) store().claim(new ClaimRequest(key, "fp-1", shortLease(), NODE, null));
        assertThat(store().saveStep(new StepWrite(key, first.token(), "charge", bytes("\"ch_1\""), NODE))).isTrue();

        elapse(shortLease().plusMillis(50));
        ClaimResult takeover = otherClient().claim(new ClaimRequest(key, "fp-1", LEASE, OTHER_NODE, null));

        assertThat(takeover).isInstanceOf(ClaimResult.Claimed.class);
        ClaimResult.Claimed second = (ClaimResult.Claimed) takeover;
        assertThat(second.token()).isEqualTo(first.token() + 1);
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(second.event()).isEqualTo(AuditEvent.TAKEN_OVER);
        assertThat(new String(second.steps().get("charge"), StandardCharsets.UTF_8)).isEqualTo("\"ch_1\"");

        assertThat(complete(key, first.token(), "late")).isFalse();
        assertThat(store().saveStep(new StepWrite(key, first.token(), "refund", bytes("1"), NODE))).isFalse();
        assertThat(store().renew(key, first.token(), LEASE)).isFalse();
        assertThat(fail(key, first.token(), new FailureOutcome.Release(TTL))).isFalse();

        assertThat(otherClient().complete(new Completion(key, second.token(), bytes("\"winner\""), TTL, Duration.ZERO,
                OTHER_NODE))).isTrue();
        assertThat(new String(((ClaimResult.Completed) claim(key)).result(), StandardCharsets.UTF_8)).isEqualTo("\"winner\"");
        assertThat(store().history(key)).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.STEP_SAVED, AuditEvent.TAKEN_OVER, AuditEvent.COMPLETED);
    }

    @Test
    void aRenewedLeaseIsNotTakenOver() {
        String key = key("renew");
        ClaimResult.Claimed claimed = (ClaimResult.Claimed) store().claim(new ClaimRequest(key, null, shortLease(), NODE, null));

        assertThat(store().renew(key, claimed.token(), LEASE)).isTrue();
        elapse(shortLease().plusMillis(50));

        assertThat(otherClient().claim(new ClaimRequest(key, null, LEASE, OTHER_NODE, null)))
                .isInstanceOf(ClaimResult.InProgress.class);
    }

    @Test
    void aReleasedKeyIsClaimedAgainWithItsStepsAndAGrowingToken() {
        String key = key("released");
        ClaimResult.Claimed first = claimed(key);
        store().saveStep(new StepWrite(key, first.token(), "reserve", bytes("7"), NODE));

        assertThat(fail(key, first.token(), new FailureOutcome.Release(TTL))).isTrue();
        IdempotencyRecord released = store().find(key).orElseThrow();
        assertThat(released.state()).isEqualTo(RecordState.RELEASED);
        assertThat(released.error()).isEqualTo(new ErrorInfo("com.example.GatewayDown", "503 from gateway"));

        ClaimResult.Claimed second = claimed(key);
        assertThat(second.token()).isEqualTo(first.token() + 1);
        assertThat(second.event()).isEqualTo(AuditEvent.CLAIMED);
        assertThat(second.steps()).containsOnlyKeys("reserve");
        assertThat(store().history(key)).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.STEP_SAVED, AuditEvent.RELEASED, AuditEvent.CLAIMED);
        assertThat(store().history(key).get(2).error().type()).isEqualTo("com.example.GatewayDown");
    }

    @Test
    void aRememberedFailureIsReplayed() {
        String key = key("remembered");
        ClaimResult.Claimed claimed = claimed(key);

        assertThat(fail(key, claimed.token(), new FailureOutcome.Remember(TTL))).isTrue();

        ClaimResult replay = claim(key);
        assertThat(replay).isInstanceOf(ClaimResult.Failed.class);
        assertThat(((ClaimResult.Failed) replay).error()).isEqualTo(new ErrorInfo("com.example.GatewayDown", "503 from gateway"));
        assertThat(store().find(key).orElseThrow().state()).isEqualTo(RecordState.FAILED);
    }

    @Test
    void aScheduledKeyWaitsUntilDueThenResumesWithItsStepsAndInvocation() {
        String key = key("scheduled");
        ClaimResult.Claimed claimed = claimed(key);
        store().saveStep(new StepWrite(key, claimed.token(), "step-1", bytes("\"a\""), NODE));
        Duration delay = shortLease();

        assertThat(fail(key, claimed.token(), new FailureOutcome.Schedule(delay, bytes("m\n[1]")))).isTrue();
        ClaimResult early = claim(key);
        assertThat(early).isInstanceOf(ClaimResult.Scheduled.class);
        IdempotencyRecord scheduled = store().find(key).orElseThrow();
        assertThat(scheduled.state()).isEqualTo(RecordState.SCHEDULED);
        assertThat(((ClaimResult.Scheduled) early).nextAttemptAt()).isEqualTo(scheduled.nextAttemptAt());
        assertThat(new String(scheduled.invocation(), StandardCharsets.UTF_8)).isEqualTo("m\n[1]");

        elapse(delay.plusMillis(50));
        ClaimResult.Claimed resumed = claimed(key);
        assertThat(resumed.event()).isEqualTo(AuditEvent.RESUMED);
        assertThat(resumed.token()).isEqualTo(2);
        assertThat(resumed.attempt()).isEqualTo(2);
        assertThat(resumed.steps()).containsOnlyKeys("step-1");
    }

    @Test
    void aDeadKeyAnswersDeadWithItsLastError() {
        String key = key("dead");
        ClaimResult.Claimed claimed = claimed(key);

        assertThat(fail(key, claimed.token(), new FailureOutcome.Dead())).isTrue();

        ClaimResult answer = claim(key);
        assertThat(answer).isInstanceOf(ClaimResult.Dead.class);
        assertThat(((ClaimResult.Dead) answer).error().type()).isEqualTo("com.example.GatewayDown");
        assertThat(((ClaimResult.Dead) answer).attempt()).isEqualTo(1);
        assertThat(store().find(key).orElseThrow().expiresAt()).isNull();
    }

    @Test
    void dueJobsAreClaimedOnceAcrossConcurrentWorkers() throws Exception {
        int jobs = 40;
        for (int i = 0; i < jobs; i++) {
            String key = key("job-" + i);
            ClaimResult.Claimed claimed = claimed(key);
            fail(key, claimed.token(), new FailureOutcome.Schedule(Duration.ZERO, bytes("job " + i)));
        }
        String notDue = key("not-due");
        fail(notDue, claimed(notDue).token(), new FailureOutcome.Schedule(Duration.ofHours(1), bytes("later")));

        Set<String> claimedKeys = ConcurrentHashMap.newKeySet();
        AtomicInteger duplicates = new AtomicInteger();
        ExecutorService workers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                IdempotencyStore client = w % 2 == 0 ? store() : otherClient();
                futures.add(workers.submit(() -> {
                    List<DueJob> batch;
                    do {
                        batch = client.claimDue(3, LEASE, "worker");
                        for (DueJob job : batch) {
                            if (!job.key().startsWith(namespace + ":")) {
                                continue;
                            }
                            if (!claimedKeys.add(job.key())) {
                                duplicates.incrementAndGet();
                            }
                            assertThat(new String(job.invocation(), StandardCharsets.UTF_8)).startsWith("job ");
                            assertThat(job.token()).isEqualTo(2);
                        }
                    } while (!batch.isEmpty());
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            workers.shutdownNow();
        }

        assertThat(duplicates).hasValue(0);
        assertThat(claimedKeys).hasSize(jobs);
        assertThat(store().find(notDue).orElseThrow().state()).isEqualTo(RecordState.SCHEDULED);
        assertThat(store().find(key("job-0")).orElseThrow().state()).isEqualTo(RecordState.IN_PROGRESS);
    }

    @Test
    void anExpiredRecordIsClaimedAfreshWithAGrowingTokenAndPurged() {
        String key = key("expiring");
        ClaimResult.Claimed first = claimed(key);
        assertThat(store().complete(new Completion(key, first.token(), bytes("1"), shortLease(), Duration.ZERO, NODE)))
                .isTrue();

        elapse(shortLease().plusMillis(50));
        ClaimResult.Claimed again = claimed(key);
        assertThat(again.token()).isEqualTo(first.token() + 1);
        assertThat(again.attempt()).isEqualTo(1);
        assertThat(again.event()).isEqualTo(AuditEvent.CLAIMED);

        String other = key("purged");
        ClaimResult.Claimed claimed = claimed(other);
        store().complete(new Completion(other, claimed.token(), bytes("1"), shortLease(), Duration.ZERO, NODE));
        elapse(shortLease().plusMillis(50));
        int purged = 0;
        for (int removed = store().purgeExpired(100); removed > 0; removed = store().purgeExpired(100)) {
            purged += removed;
        }
        assertThat(purged).isGreaterThanOrEqualTo(1);
        assertThat(store().find(other)).isEmpty();
        assertThat(store().history(other)).isEmpty();
        assertThat(store().find(key)).isPresent();
    }

    @Test
    void recordsAreListedByStateTimeAndPrefixAndCounted() {
        String done = key("list-done");
        complete(done, claimed(done).token(), "1");
        String running = key("list-running");
        claimed(running);
        String dead = key("list-dead");
        fail(dead, claimed(dead).token(), new FailureOutcome.Dead());

        assertThat(store().list(new RecordQuery(RecordState.COMPLETED, null, null, namespace + ":", 10)))
                .extracting(IdempotencyRecord::key).containsExactly(done);
        assertThat(store().list(new RecordQuery(null, null, null, namespace + ":", 10)))
                .extracting(IdempotencyRecord::key).containsExactlyInAnyOrder(done, running, dead);
        assertThat(store().list(new RecordQuery(null, null, null, namespace + ":", 2))).hasSize(2);
        Instant future = store().find(dead).orElseThrow().updatedAt().plusSeconds(3600);
        assertThat(store().list(new RecordQuery(null, future, null, namespace + ":", 10))).isEmpty();
        assertThat(store().list(new RecordQuery(RecordState.DEAD, null, future, namespace + ":", 10)))
                .extracting(IdempotencyRecord::key).containsExactly(dead);
        Map<RecordState, Long> counts = store().countByState();
        assertThat(counts.get(RecordState.COMPLETED)).isGreaterThanOrEqualTo(1);
        assertThat(counts.get(RecordState.DEAD)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void operatorsRequeueAndCancelOnlyJobsThatWait() {
        String dead = key("requeue");
        ClaimResult.Claimed claimed = claimed(dead);
        fail(dead, claimed.token(), new FailureOutcome.Dead());

        assertThat(store().requeue(dead, "operator")).isEqualTo(OperatorResult.DONE);
        IdempotencyRecord requeued = store().find(dead).orElseThrow();
        assertThat(requeued.state()).isEqualTo(RecordState.SCHEDULED);
        assertThat(requeued.attempt()).isZero();
        ClaimResult.Claimed resumed = claimed(dead);
        assertThat(resumed.attempt()).isEqualTo(1);
        assertThat(resumed.event()).isEqualTo(AuditEvent.RESUMED);
        assertThat(store().requeue(dead, "operator")).isEqualTo(OperatorResult.WRONG_STATE);

        String scheduled = key("cancel");
        fail(scheduled, claimed(scheduled).token(), new FailureOutcome.Schedule(Duration.ofHours(1), bytes("x")));
        assertThat(store().cancel(scheduled, TTL, "operator")).isEqualTo(OperatorResult.DONE);
        assertThat(store().find(scheduled).orElseThrow().state()).isEqualTo(RecordState.RELEASED);
        assertThat(claimed(scheduled).event()).isEqualTo(AuditEvent.CLAIMED);
        assertThat(store().history(scheduled)).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.SCHEDULED, AuditEvent.CANCELLED, AuditEvent.CLAIMED);

        assertThat(store().requeue(key("unknown"), "operator")).isEqualTo(OperatorResult.NOT_FOUND);
        assertThat(store().cancel(key("unknown"), TTL, "operator")).isEqualTo(OperatorResult.NOT_FOUND);
    }

    @Test
    void badKeysAreRefusedWithAClearError() {
        assertThatThrownBy(() -> store().claim(new ClaimRequest("", null, LEASE, NODE, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> store().claim(new ClaimRequest("k".repeat(10_000), null, LEASE, NODE, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 255");
        assertThatThrownBy(() -> store().find("a\u0000b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysWithQuotesMetaCharactersAndUnicodeAreJustData() {
        List<String> names = List.of("'; DROP TABLE idem_records; --", "\" OR 1=1 --", "{hash}tag", "*?[]^$ KEYS *",
                "redis.call('FLUSHALL')", "ünïcödé-日本語-🦄", "%s%n%x", "\\\\..\\\\");
        Map<String, Long> tokens = new java.util.HashMap<>();
        for (String name : names) {
            String key = Keys.of(namespace, name).full();
            tokens.put(key, claimed(key).token());
        }
        for (String name : names) {
            String key = Keys.of(namespace, name).full();
            assertThat(complete(key, tokens.get(key), "\"" + name.length() + "\"")).isTrue();
        }
        for (String name : names) {
            String key = Keys.of(namespace, name).full();
            ClaimResult replay = claim(key);
            assertThat(replay).isInstanceOf(ClaimResult.Completed.class);
            assertThat(new String(((ClaimResult.Completed) replay).result(), StandardCharsets.UTF_8))
                    .isEqualTo("\"" + name.length() + "\"");
            assertThat(store().find(key).orElseThrow().key()).isEqualTo(key);
        }
    }

    @Test
    void binaryValuesRoundTrip() {
        String key = key("binary");
        ClaimResult.Claimed claimed = claimed(key);
        byte[] value = new byte[256];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        store().saveStep(new StepWrite(key, claimed.token(), "raw", value, NODE));
        assertThat(store().find(key).orElseThrow().steps().get("raw")).isEqualTo(value);
        assertThat(store().complete(new Completion(key, claimed.token(), value, TTL, Duration.ZERO, NODE))).isTrue();
        assertThat(((ClaimResult.Completed) claim(key)).result()).isEqualTo(value);
    }

    @Test
    void largeValuesRoundTripAndOversizedOnesAreRefusedLeavingTheRecordAsItWas() {
        String key = key("large");
        ClaimResult.Claimed claimed = claimed(key);
        byte[] large = new byte[1 << 20];
        java.util.Arrays.fill(large, (byte) '7');
        byte[] oversized = new byte[IdempotencyStore.MAX_VALUE_BYTES + 1];

        assertThatThrownBy(() -> store().complete(new Completion(key, claimed.token(), oversized, TTL, Duration.ZERO, NODE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(key)
                .hasMessageContaining(String.valueOf(IdempotencyStore.MAX_VALUE_BYTES));
        assertThatThrownBy(() -> store().saveStep(new StepWrite(key, claimed.token(), "big", oversized, NODE)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("big");
        assertThatThrownBy(() -> new FailureOutcome.Schedule(Duration.ZERO, oversized))
                .isInstanceOf(IllegalArgumentException.class);
        IdempotencyRecord untouched = store().find(key).orElseThrow();
        assertThat(untouched.state()).isEqualTo(RecordState.IN_PROGRESS);
        assertThat(untouched.steps()).isEmpty();

        assertThat(store().saveStep(new StepWrite(key, claimed.token(), "large", large, NODE))).isTrue();
        assertThat(store().complete(new Completion(key, claimed.token(), large, TTL, Duration.ZERO, NODE))).isTrue();
        assertThat(((ClaimResult.Completed) claim(key)).result()).isEqualTo(large);
    }

    @Test
    void exactlyOneOfManyConcurrentClaimersOfTwoClientsWinsEachKey() throws Exception {
        int threads = 64;
        int keys = 200;
        AtomicInteger wins = new AtomicInteger();
        Set<String> winners = ConcurrentHashMap.newKeySet();
        AtomicInteger doubleWins = new AtomicInteger();
        IdempotencyStore[] clients = {store(), otherClient()};
        Together.run(threads, thread -> {
            IdempotencyStore client = clients[thread % 2];
            for (int i = 0; i < keys; i++) {
                String key = key("race-" + ((i + thread) % keys));
                ClaimResult result = client.claim(new ClaimRequest(key, "fp", LEASE, "t" + thread, null));
                if (result instanceof ClaimResult.Claimed) {
                    wins.incrementAndGet();
                    if (!winners.add(key)) {
                        doubleWins.incrementAndGet();
                    }
                } else {
                    assertThat(result).isInstanceOf(ClaimResult.InProgress.class);
                }
            }
        });
        assertThat(doubleWins).hasValue(0);
        assertThat(wins).hasValue(keys);
    }
}
