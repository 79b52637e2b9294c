package dev.idem.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.idem.annotation.IdempotencyStoreException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.ErrorInfo;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.InMemoryStore;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import dev.idem.store.StepWrite;
import dev.idem.testing.MutableClock;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the contract suite does not cover on a standalone Redis: the same transitions as the in-memory
 * reference store, scripts lost by Redis, bounded history, damaged records of every kind, expiry by Redis
 * TTL, the builder, and what the store leaves open.
 */
class RedisStoreTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private static final Duration TTL = Duration.ofHours(1);
    private static final String PREFIX = TestRedis.uniquePrefix("store");
    private static final Layout LAYOUT = new Layout(PREFIX, RedisStore.DEFAULT_BUCKETS);
    private static TestRedis redis;
    private static RedisStore store;

    @BeforeAll
    static void connect() {
        redis = TestRedis.standalone();
        store = RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(PREFIX).build();
    }

    @AfterAll
    static void close() {
        if (redis == null) {
            return;
        }
        store.close();
        redis.deleteKeys(PREFIX);
        redis.close();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String recordKey(String key) {
        return Wire.string(LAYOUT.recordScriptKeys(key)[0]);
    }

    private static String valuesKey(String key) {
        return Wire.string(LAYOUT.valuesPrefix(LAYOUT.bucket(key))) + key;
    }

    private static ClaimResult.Claimed claim(IdempotencyStore on, String key, String fingerprint, String node) {
        return (ClaimResult.Claimed) on.claim(new ClaimRequest(key, fingerprint, LEASE, node, null));
    }

    private static boolean fail(IdempotencyStore on, String key, long token, FailureOutcome outcome, String node) {
        return on.fail(new Failure(key, token, outcome, new ErrorInfo("com.example.Down", "503 from upstream"),
                Duration.ofMillis(7), node));
    }

    /**
     * Runs {@code test} on a store of its own, built with {@code options} under a key prefix of its own (the
     * test gets both), then closes the store and removes every key under the prefix.
     */
    private static void onOwnStore(String name, UnaryOperator<RedisStore.Builder> options,
            BiConsumer<RedisStore, String> test) {
        String prefix = TestRedis.uniquePrefix(name);
        try (RedisStore own = options.apply(RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(prefix)).build()) {
            test.accept(own, prefix);
        } finally {
            redis.deleteKeys(prefix);
        }
    }

    /** Drives a key of each store through every kind of transition, in the same order. */
    private static void everyTransition(IdempotencyStore on, String key, Consumer<Duration> elapse) {
        ClaimResult.Claimed first = claim(on, key, null, "node-a");
        on.saveStep(new StepWrite(key, first.token(), "reserve", bytes("\"r-1\""), "node-a"));
        fail(on, key, first.token(), new FailureOutcome.Release(TTL), "node-a");
        ClaimResult.Claimed second = claim(on, key, "fp-2", "node-b");
        on.saveStep(new StepWrite(key, second.token(), "charge", bytes("\"ch-1\""), "node-b"));
        on.renew(key, second.token(), LEASE);
        fail(on, key, second.token(), new FailureOutcome.Schedule(Duration.ZERO, bytes("invocation")), "node-b");
        long resumed = on.claimDue(10, LEASE, "worker").get(0).token();
        fail(on, key, resumed, new FailureOutcome.Dead(), "worker");
        on.requeue(key, "operator");
        ClaimResult.Claimed fourth = claim(on, key, "fp-2", "node-c");
        on.complete(new Completion(key, fourth.token(), bytes("{\"ok\":true}"), Duration.ofMillis(300),
                Duration.ofMillis(9), "node-c"));
        elapse.accept(Duration.ofMillis(350));
        ClaimResult.Claimed afresh = claim(on, key, "fp-3", "node-d");
        on.fail(new Failure(key, afresh.token(), new FailureOutcome.Remember(TTL), new ErrorInfo("com.example.Declined",
                null), Duration.ZERO, "node-d"));
    }

    @Test
    void everyTransitionLeavesTheSameRecordAndHistoryAsTheReferenceStore() {
        String key = "payments:evt-1";
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryStore reference = new InMemoryStore(clock);
        onOwnStore("reference", UnaryOperator.identity(), (redisStore, prefix) -> {
            everyTransition(reference, key, clock::advance);
            everyTransition(redisStore, key, redis::elapse);

            IdempotencyRecord actual = assertSameRecordAndHistory(redisStore, reference, key);
            assertThat(Duration.between(actual.updatedAt(), actual.expiresAt())).isEqualTo(TTL);
        });
    }

    /** Asserts that both stores hold the same record and history of key, but for their times; the record. */
    private static IdempotencyRecord assertSameRecordAndHistory(IdempotencyStore actualStore, IdempotencyStore reference,
            String key) {
        Function<AuditEntry, List<Object>> withoutTime = entry -> Arrays.asList(entry.key(),
                entry.sequence(), entry.event(), entry.state(), entry.attempt(), entry.token(), entry.node(),
                entry.elapsed(), entry.error(), entry.fingerprint(), entry.detail());
        List<AuditEntry> history = actualStore.history(key);
        assertThat(history).as("history of %s", key).extracting(withoutTime)
                .containsExactlyElementsOf(reference.history(key).stream().map(withoutTime).toList());
        assertThat(history).extracting(AuditEntry::at).isSorted();

        IdempotencyRecord expected = reference.find(key).orElseThrow();
        IdempotencyRecord actual = actualStore.find(key).orElseThrow();
        assertThat(actual).as("record of %s", key).usingRecursiveComparison()
                .ignoringFields("createdAt", "updatedAt", "leaseUntil", "nextAttemptAt", "expiresAt")
                .isEqualTo(expected);
        assertThat(history.get(history.size() - 1).at()).isEqualTo(actual.updatedAt());
        return actual;
    }

    @Test
    void aFirstCallIsWrittenInTheDocumentedCompactFormWithTheReferenceStoresContent() {
        InMemoryStore reference = new InMemoryStore(new MutableClock(Instant.parse("2026-01-01T00:00:00Z")));
        String sha256 = "ab".repeat(32);
        String engineFingerprint = "9f2c6d1e5b7a4c3f8e0d2b1a6c5e4f3a";
        String longNode = "node-" + "n".repeat(40) + ":7,-";
        record FirstCall(String key, String fingerprint, Duration lease, String claimant, String completer,
                int resultBytes, String originalKey) {
        }
        List<FirstCall> calls = List.of(
                new FirstCall("first:plain", null, LEASE, "n", "n", 17, null),
                new FirstCall("first:fingerprint", engineFingerprint, LEASE, "node-1", "node-1", 0, null),
                new FirstCall("first:sha256", sha256, Duration.ofMillis(100), longNode, longNode, 31, null),
                new FirstCall("first:text-fingerprint", "v2;amount=10,00:EUR", Duration.ofDays(60), "n", "n", 255,
                        "ünï-🦄 '; DROP TABLE"),
                new FirstCall("first:empty-original", sha256, Duration.ofMillis(1), "n", "n", 256, ""),
                new FirstCall("first:largest-inline", null, Duration.ofMillis(128), "n", "n",
                        RedisStore.INLINE_RESULT_BYTES, null),
                new FirstCall("first:long-original", null, LEASE, "n", "n", 17, "o".repeat(254)),
                new FirstCall("first:values-hash", null, LEASE, "n", "n", RedisStore.INLINE_RESULT_BYTES + 1, null),
                new FirstCall("first:other-completer", engineFingerprint, LEASE, "node-a", "node-b", 17,
                        null));
        onOwnStore("first", UnaryOperator.identity(), (redisStore, prefix) -> {
            Layout layout = new Layout(prefix, RedisStore.DEFAULT_BUCKETS);
            for (FirstCall call : calls) {
                String recordKey = Wire.string(layout.recordScriptKeys(call.key())[0]);
                byte[] identity = concat(compactField(bytes(call.claimant())),
                        compactField(call.fingerprint() == null ? null : Wire.fingerprint(call.fingerprint())),
                        compactField(call.originalKey() == null ? null : bytes(call.originalKey())));
                byte[] result = new byte[call.resultBytes()];
                Arrays.fill(result, (byte) 'r');
                for (IdempotencyStore on : List.of(reference, redisStore)) {
                    ClaimResult.Claimed claimed = (ClaimResult.Claimed) on.claim(new ClaimRequest(call.key(),
                            call.fingerprint(), call.lease(), call.claimant(), call.originalKey()));
                    if (on == redisStore) {
                        long created = redisStore.find(call.key()).orElseThrow().createdAt().toEpochMilli();
                        assertThat(redis.hex(recordKey)).as("first claim of %s", call.key()).isEqualTo(HexFormat.of()
                                .formatHex(concat(bytes("p" + created + "," + call.lease().toMillis() + ","), identity)));
                    }
                    assertThat(on.complete(new Completion(call.key(), claimed.token(), result, TTL, Duration.ofMillis(9),
                            call.completer()))).isTrue();
                }
                IdempotencyRecord completed = assertSameRecordAndHistory(redisStore, reference, call.key());
                assertThat(completed.result()).isEqualTo(result);
                assertThat(redisStore.history(call.key()).get(0).at()).isEqualTo(completed.createdAt());
                assertThat(Duration.between(completed.updatedAt(), completed.expiresAt())).isEqualTo(TTL);
                if (call.completer().equals(call.claimant()) && call.resultBytes() <= RedisStore.INLINE_RESULT_BYTES
                        && (call.originalKey() == null || bytes(call.originalKey()).length < 254)) {
                    long created = completed.createdAt().toEpochMilli();
                    String head = "d" + created + "," + (completed.updatedAt().toEpochMilli() - created) + ","
                            + TTL.toMillis() + ",9,";
                    assertThat(redis.hex(recordKey)).as("first completion of %s", call.key())
                            .isEqualTo(HexFormat.of().formatHex(concat(bytes(head), identity, result)));
                } else {
                    assertThat(redis.recordValue(recordKey, "cmsgpack.pack(f) == bytes and #f or -1"))
                            .as("completion of %s as a MessagePack array", call.key()).isEqualTo(17);
                }
            }
        });
    }

    /**
     * A string field of a compact record: its length as one byte and its bytes, the byte 254 for none, or
     * the byte 255, its length in four bytes and its bytes (for fields under 64 KiB).
     */
    private static byte[] compactField(byte[] value) {
        if (value == null) {
            return new byte[] {(byte) 254};
        }
        if (value.length < 254) {
            return concat(new byte[] {(byte) value.length}, value);
        }
        return concat(new byte[] {(byte) 255, 0, 0, (byte) (value.length >> 8), (byte) value.length}, value);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    /** What a store answers, without the times that differ between stores. */
    private static Object withoutTimes(Object answer) {
        if (answer instanceof ClaimResult.Claimed claimed) {
            return List.of("claimed", claimed.token(), claimed.attempt(), claimed.event(), claimed.steps().keySet());
        } else if (answer instanceof ClaimResult.Completed completed) {
            return List.of("completed", new String(completed.result(), StandardCharsets.UTF_8));
        } else if (answer instanceof ClaimResult.InProgress inProgress) {
            return List.of("in progress", inProgress.owner());
        } else if (answer instanceof ClaimResult claim) {
            return claim.getClass().getSimpleName();
        }
        return answer;
    }

    /** A transition of a record that a first call wrote, returning what the store answered. */
    private interface Transition {
        Object apply(IdempotencyStore on, String key, Consumer<Duration> elapse);
    }

    @Test
    void recordsInTheCompactFormGoThroughEveryOtherTransitionAsTheReferenceStore() {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        InMemoryStore reference = new InMemoryStore(clock);
        Duration shortLease = Duration.ofMillis(200);
        Duration shortTtl = Duration.ofMillis(300);
        Map<String, Transition> fromClaim = new LinkedHashMap<>();
        fromClaim.put("renew", (on, key, elapse) -> List.of(on.renew(key, 1, LEASE),
                on.complete(new Completion(key, 1, bytes("1"), TTL, Duration.ZERO, "node-a"))));
        fromClaim.put("step", (on, key, elapse) -> on.saveStep(new StepWrite(key, 1, "charge", bytes("1"), "node-a")));
        fromClaim.put("release", (on, key, elapse) -> fail(on, key, 1, new FailureOutcome.Release(TTL), "node-a"));
        fromClaim.put("remember", (on, key, elapse) -> fail(on, key, 1, new FailureOutcome.Remember(TTL), "node-a"));
        fromClaim.put("schedule", (on, key, elapse) ->
                fail(on, key, 1, new FailureOutcome.Schedule(Duration.ZERO, bytes("invocation")), "node-a"));
        fromClaim.put("dead", (on, key, elapse) -> fail(on, key, 1, new FailureOutcome.Dead(), "node-a"));
        fromClaim.put("stale", (on, key, elapse) ->
                on.complete(new Completion(key, 2, bytes("1"), TTL, Duration.ZERO, "node-a")));
        fromClaim.put("other-completer", (on, key, elapse) ->
                on.complete(new Completion(key, 1, bytes("1"), TTL, Duration.ZERO, "node-b")));
        fromClaim.put("large-result", (on, key, elapse) -> on.complete(new Completion(key, 1,
                new byte[RedisStore.INLINE_RESULT_BYTES + 1], TTL, Duration.ZERO, "node-a")));
        fromClaim.put("duplicate-then-takeover", (on, key, elapse) -> {
            Object duplicate = withoutTimes(on.claim(new ClaimRequest(key, "fp-1", LEASE, "node-b", null)));
            elapse.accept(shortLease.plusMillis(50));
            return List.of(duplicate, withoutTimes(on.claim(new ClaimRequest(key, null, LEASE, "node-b", null))));
        });
        fromClaim.put("mismatch", (on, key, elapse) -> on.claim(new ClaimRequest(key, "fp-2", LEASE, "node-b", null)));
        fromClaim.put("cancel", (on, key, elapse) -> on.cancel(key, TTL, "operator"));
        Map<String, Transition> fromCompletion = new LinkedHashMap<>();
        fromCompletion.put("duplicate", (on, key, elapse) -> on.claim(new ClaimRequest(key, "fp-1", LEASE, "node-b", null)));
        fromCompletion.put("mismatch", (on, key, elapse) -> on.claim(new ClaimRequest(key, "fp-2", LEASE, "node-b", null)));
        fromCompletion.put("afresh", (on, key, elapse) -> {
            elapse.accept(shortTtl.plusMillis(50));
            return on.claim(new ClaimRequest(key, "fp-3", LEASE, "node-b", "original"));
        });
        fromCompletion.put("requeue", (on, key, elapse) -> on.requeue(key, "operator"));
        fromCompletion.put("stale-renew", (on, key, elapse) -> on.renew(key, 1, LEASE));
        onOwnStore("compact", UnaryOperator.identity(), (redisStore, prefix) -> {
            for (Map<String, Transition> transitions : List.of(fromClaim, fromCompletion)) {
                for (Map.Entry<String, Transition> transition : transitions.entrySet()) {
                    String key = (transitions == fromClaim ? "claim:" : "completion:") + transition.getKey();
                    List<Object> answers = new ArrayList<>();
                    for (IdempotencyStore on : List.of(reference, redisStore)) {
                        Consumer<Duration> elapse = on == reference ? clock::advance : redis::elapse;
                        on.claim(new ClaimRequest(key, "fp-1", shortLease, "node-a", null));
                        if (transitions == fromCompletion) {
                            on.complete(new Completion(key, 1, bytes("{\"ok\":1}"), shortTtl, Duration.ofMillis(4),
                                    "node-a"));
                        }
                        answers.add(withoutTimes(transition.getValue().apply(on, key, elapse)));
                    }
                    assertThat(answers.get(1)).as("answer of %s", key).isEqualTo(answers.get(0));
                    assertSameRecordAndHistory(redisStore, reference, key);
                }
            }
        });
    }

    @Test
    void aFirstCompletionKeepsTheHistoryBoundOfOneEntry() {
        onOwnStore("one-entry", builder -> builder.maxHistoryPerKey(1), (oneEntry, prefix) -> {
            ClaimResult.Claimed claimed = claim(oneEntry, "one:k", null, "n");
            assertThat(oneEntry.complete(new Completion("one:k", claimed.token(), bytes("1"), TTL, Duration.ZERO, "n")))
                    .isTrue();

            assertThat(oneEntry.history("one:k")).extracting(AuditEntry::sequence, AuditEntry::event)
                    .containsExactly(tuple(2L, AuditEvent.COMPLETED));
        });
    }

    @Test
    void aScriptThatRedisLostIsLoadedAgainByTheCallThatNeedsIt() {
        try (RedisStore scripts = RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(PREFIX).functions(false)
                .build()) {
            String key = "scripts:flushed";
            ClaimResult.Claimed claimed = claim(scripts, key, null, "n");
            String sha = new Scripts(false).complete.sha();

            // other clients of the shared server may load the scripts again at any moment after the flush
            redis.commands().scriptFlush();

            assertThat(scripts.complete(new Completion(key, claimed.token(), bytes("1"), TTL, Duration.ZERO, "n"))).isTrue();
            assertThat(scripts.claim(new ClaimRequest(key, null, LEASE, "n", null))).isInstanceOf(ClaimResult.Completed.class);
            assertThat(redis.commands().scriptExists(sha)).containsExactly(true);
        }
    }

    @Test
    void aLibraryThatRedisLostRunsAsScriptsUntilItIsLoadedAgain() {
        String key = "functions:flushed";
        ClaimResult.Claimed claimed = claim(store, key, null, "n");
        String library = new Scripts(true).libraryName;
        assertThat(redis.libraries(key)).contains(library);

        redis.flushFunctions();

        assertThat(store.complete(new Completion(key, claimed.token(), bytes("1"), TTL, Duration.ZERO, "n"))).isTrue();
        assertThat(store.claim(new ClaimRequest(key, null, LEASE, "n", null))).isInstanceOf(ClaimResult.Completed.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            store.find(key);
            assertThat(redis.libraries(key)).contains(library);
        });
    }

    @Test
    void stepsLeftByAnEarlierLifeOfAKeyAreNeverReturnedToALaterOne() {
        String key = "values:orphaned";
        ClaimResult.Claimed first = claim(store, key, null, "n");
        store.saveStep(new StepWrite(key, first.token(), "charge", bytes("\"ch-1\""), "n"));
        redis.commands().del(recordKey(key));

        ClaimResult.Claimed second = claim(store, key, null, "n");
        assertThat(second.steps()).isEmpty();
        assertThat(store.find(key).orElseThrow().steps()).as("the values hash of the earlier life").isEmpty();
        store.saveStep(new StepWrite(key, second.token(), "reserve", bytes("\"r-2\""), "n"));
        assertThat(store.find(key).orElseThrow().steps()).containsOnlyKeys("reserve");

        fail(store, key, second.token(), new FailureOutcome.Release(TTL), "n");
        ClaimResult.Claimed third = claim(store, key, null, "n");
        assertThat(third.steps()).containsOnlyKeys("reserve");
    }

    @Test
    void aRedisOutOfMemoryStillReplaysDuplicatesAndFailsNewCallsClosed() {
        String done = "oom:done";
        store.complete(new Completion(done, claim(store, done, null, "n").token(), bytes("\"receipt\""), TTL,
                Duration.ZERO, "n"));
        String maxmemory = redis.commands().configGet("maxmemory").get("maxmemory");
        redis.commands().configSet("maxmemory", "1");
        try {
            assertThat(store.claim(new ClaimRequest(done, null, LEASE, "n", null)))
                    .isInstanceOfSatisfying(ClaimResult.Completed.class,
                            completed -> assertThat(completed.result()).isEqualTo(bytes("\"receipt\"")));
            assertThat(store.find(done)).isPresent();
            assertThat(store.history(done)).hasSize(2);
            assertThatThrownBy(() -> store.claim(new ClaimRequest("oom:new", null, LEASE, "n", null)))
                    .isInstanceOf(IdempotencyStoreUnavailableException.class).hasMessageContaining("OOM");
            assertThat(store.purgeExpired(10)).isNotNegative();
        } finally {
            redis.commands().configSet("maxmemory", maxmemory);
        }
        assertThat(store.find("oom:new")).isEmpty();
    }

    @Test
    void listingCompletedRecordsWalksTheExpiryIndexButKeepsOnlyTheNewest() {
        // one bucket of 4,500: the walk takes three rounds of at most 2,000 entries, and the client trims
        // its candidates to the newest five before the third
        onOwnStore("completed", builder -> builder.buckets(1), (onePrefix, prefix) -> {
            List<IdempotencyRecord> all = new ArrayList<>();
            for (int i = 0; i < 4_500; i++) {
                String key = "done:" + i;
                onePrefix.complete(new Completion(key, claim(onePrefix, key, null, "n").token(), bytes("1"),
                        Duration.ofHours(1 + i % 7), Duration.ZERO, "n"));
            }
            for (int i = 0; i < 4_500; i++) {
                all.add(onePrefix.find("done:" + i).orElseThrow());
            }
            all.sort(Comparator.comparing(IdempotencyRecord::updatedAt).reversed().thenComparing(IdempotencyRecord::key));

            List<IdempotencyRecord> newest = onePrefix.list(new RecordQuery(RecordState.COMPLETED, null, null, "done:", 5));

            assertThat(newest).extracting(IdempotencyRecord::key)
                    .containsExactlyElementsOf(all.subList(0, 5).stream().map(IdempotencyRecord::key).toList());
            assertThat(onePrefix.countByState()).containsEntry(RecordState.COMPLETED, 4_500L);
        });
    }

    @Test
    void historyKeepsTheNewestEntriesUpToTheBound() {
        onOwnStore("bounded", builder -> builder.maxHistoryPerKey(5), (bounded, prefix) -> {
            String key = "bounded:k";
            ClaimResult.Claimed claimed = claim(bounded, key, null, "n");
            for (int i = 0; i < 10; i++) {
                bounded.saveStep(new StepWrite(key, claimed.token(), "s" + i, bytes("1"), "n"));
            }

            List<AuditEntry> history = bounded.history(key);
            assertThat(history).extracting(AuditEntry::sequence).containsExactly(7L, 8L, 9L, 10L, 11L);
            assertThat(history).extracting(AuditEntry::detail).containsExactly("s5", "s6", "s7", "s8", "s9");
            String recordKey = Wire.string(new Layout(prefix, RedisStore.DEFAULT_BUCKETS).recordScriptKeys(key)[0]);
            assertThat(redis.recordValue(recordKey, "#f - 15")).as("entries kept in the record").isEqualTo(5);
        });
    }

    @Test
    void theClockTurnsTimesSecondsAndMicrosecondsIntoTheDigitsOfEpochMilliseconds() {
        Map<String, String> digits = Map.of("0", "1764300000000", "7", "1764300000000", "999", "1764300000000",
                "1000", "1764300000001", "12345", "1764300000012", "99999", "1764300000099", "100000", "1764300000100",
                "123456", "1764300000123", "999999", "1764300000999");
        digits.forEach((micros, millis) -> assertThat(redis.libraryValue("clock_digits('1764300000', '" + micros + "')"))
                .as("TIME 1764300000 s %s µs", micros).isEqualTo(millis));
    }

    @Test
    void recordsDamagedInEveryWayGiveAClearErrorNamingTheirKey() {
        Map<String, Consumer<String>> recordDamages = Map.ofEntries(
                Map.entry("missing-token", key -> redis.editRecord(recordKey(key), "f[2] = false")),
                Map.entry("not-a-number", key -> redis.editRecord(recordKey(key), "f[7] = 'yesterday'")),
                Map.entry("no-lease", key -> redis.editRecord(recordKey(key), "f[9] = false")),
                Map.entry("not-an-array", key -> redis.commands().set(recordKey(key), "{\"state\":\"done\"}")),
                Map.entry("a-hash", key -> {
                    redis.commands().del(recordKey(key));
                    redis.commands().hset(recordKey(key), "s", "P");
                }),
                Map.entry("compact-cut-short", key -> redis.editBytes(recordKey(key), "string.sub(bytes, 1, -2)")),
                Map.entry("compact-time-in-words", key ->
                        redis.editBytes(recordKey(key), "'pyesterday' .. string.sub(bytes, 15)")),
                Map.entry("compact-owner-too-long", key ->
                        redis.editBytes(recordKey(key), "(string.gsub(bytes, ',\\1n', ',\\2n', 1))")),
                Map.entry("compact-completion-without-time", key -> {
                    store.complete(new Completion(key, 1, bytes("1"), TTL, Duration.ZERO, "n"));
                    redis.editBytes(recordKey(key), "(string.gsub(bytes, '^d%d+,', 'd,', 1))");
                }),
                Map.entry("compact-completion-of-the-previous-snapshot", key -> {
                    store.complete(new Completion(key, 1, bytes("1"), TTL, Duration.ZERO, "n"));
                    redis.editBytes(recordKey(key), "'c' .. string.sub(bytes, 2)");
                }),
                Map.entry("compact-completion-without-owner", key -> {
                    store.complete(new Completion(key, 1, bytes("1"), TTL, Duration.ZERO, "n"));
                    redis.editBytes(recordKey(key), "(string.gsub(bytes, ',\\1n', ',\\254', 1))");
                }));
        for (Map.Entry<String, Consumer<String>> damage : recordDamages.entrySet()) {
            String key = "damaged:" + damage.getKey();
            long token = claim(store, key, null, "n").token();
            damage.getValue().accept(key);

            assertUnreadable(key, () -> store.find(key), () -> store.history(key), () -> claim(store, key, null, "n"),
                    () -> store.renew(key, token, LEASE),
                    () -> store.complete(new Completion(key, token, bytes("1"), TTL, Duration.ZERO, "n")));
        }

        String badHistory = "damaged:history";
        long token = claim(store, badHistory, null, "n").token();
        redis.editRecord(recordKey(badHistory), "f[16] = 'not an entry'");
        assertThat(store.find(badHistory)).isPresent();
        assertUnreadable(badHistory, () -> store.history(badHistory));
        assertThat(store.complete(new Completion(badHistory, token, bytes("1"), TTL, Duration.ZERO, "n")))
                .as("a transition adds its entry without reading the older ones").isTrue();
        assertUnreadable(badHistory, () -> store.history(badHistory));

        String badValues = "damaged:values";
        long valuesToken = claim(store, badValues, null, "n").token();
        store.saveStep(new StepWrite(badValues, valuesToken, "charge", bytes("1"), "n"));
        redis.commands().del(valuesKey(badValues));
        redis.commands().lpush(valuesKey(badValues), "x");
        redis.commands().pexpire(valuesKey(badValues), 60_000);
        assertUnreadable(badValues, () -> store.find(badValues));

        String healthy = "damaged:none";
        claim(store, healthy, null, "n");
        assertThat(store.find(healthy)).isPresent();
        assertThat(store.history(healthy)).hasSize(1);
    }

    private static void assertUnreadable(String key, Runnable... reads) {
        for (Runnable read : reads) {
            assertThatThrownBy(read::run).isInstanceOf(IdempotencyStoreException.class)
                    .isNotInstanceOf(IdempotencyStoreUnavailableException.class)
                    .hasMessageContaining(key);
        }
    }

    @Test
    void finishedRecordsExpireByRedisTtlAfterTheGraceAndPurgeRemovesWhatIsLeftInTheIndexes() {
        String prefix = TestRedis.uniquePrefix("ttl");
        Layout layout = new Layout(prefix, RedisStore.DEFAULT_BUCKETS);
        try (RedisStore noGrace = RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(prefix)
                .expiryGrace(Duration.ZERO).build();
                RedisStore withGrace = RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(prefix).build()) {
            String graced = "ttl:graced";
            withGrace.complete(new Completion(graced, claim(withGrace, graced, null, "n").token(), bytes("1"), TTL,
                    Duration.ZERO, "n"));
            long ttlLeft = redis.commands().pttl(Wire.string(layout.recordScriptKeys(graced)[0]));
            assertThat(ttlLeft).isBetween(TTL.plus(RedisStore.DEFAULT_EXPIRY_GRACE).minusSeconds(5).toMillis(),
                    TTL.plus(RedisStore.DEFAULT_EXPIRY_GRACE).toMillis());

            String gone = "ttl:gone";
            noGrace.complete(new Completion(gone, claim(noGrace, gone, null, "n").token(), bytes("1"),
                    Duration.ofMillis(200), Duration.ZERO, "n"));
            redis.elapse(Duration.ofMillis(250));

            assertThat(redis.commands().exists(Wire.string(layout.recordScriptKeys(gone)[0]))).isZero();
            assertThat(noGrace.find(gone)).isEmpty();
            assertThat(noGrace.list(new RecordQuery(RecordState.COMPLETED, null, null, "ttl:", 10)))
                    .extracting(IdempotencyRecord::key).containsExactly(graced);
            String completedIndex = Wire.string(layout.completedIndex(layout.bucket(gone)));
            assertThat(completedMembers(completedIndex)).contains(gone);

            assertThat(noGrace.purgeExpired(1000)).isGreaterThanOrEqualTo(1);
            assertThat(completedMembers(completedIndex)).doesNotContain(gone);
            assertThat(noGrace.claim(new ClaimRequest(gone, null, LEASE, "n", null)))
                    .isInstanceOfSatisfying(ClaimResult.Claimed.class, claimed -> assertThat(claimed.token()).isEqualTo(1));
        } finally {
            redis.deleteKeys(prefix);
        }
    }

    /** The members in the lists of a completed index, as many times as they are there. */
    private static List<String> completedMembers(String completedIndex) {
        List<String> members = new ArrayList<>();
        for (String period : redis.commands().zrange(completedIndex, 0, -1)) {
            for (String entry : redis.commands().lrange(completedIndex + ":" + period, 0, -1)) {
                members.add(entry.substring(entry.indexOf(':') + 1));
            }
        }
        return members;
    }

    @Test
    void aCompletedRecordIsOneEntryInTheListOfItsExpiryPeriodWhichOutlivesIt() {
        String key = "completed:layout";
        store.complete(new Completion(key, claim(store, key, null, "n").token(), bytes("1"), TTL, Duration.ZERO, "n"));
        long expiry = store.find(key).orElseThrow().expiresAt().toEpochMilli();
        String completedIndex = Wire.string(LAYOUT.completedIndex(LAYOUT.bucket(key)));
        String list = completedIndex + ":" + expiry / 10_000;

        assertThat(redis.commands().lrange(list, 0, -1)).contains(String.format("%04d:%s", expiry % 10_000, key));
        assertThat(redis.commands().zscore(completedIndex, Long.toString(expiry / 10_000))).isEqualTo(expiry / 10_000);
        long recordTtl = redis.commands().pttl(recordKey(key));
        long listTtl = redis.commands().pttl(list);
        assertThat(listTtl).isGreaterThanOrEqualTo(recordTtl).isLessThanOrEqualTo(recordTtl + 10_000);
        assertThat(redis.commands().pttl(completedIndex)).isGreaterThanOrEqualTo(listTtl - 1_000);
    }

    @Test
    void aCompletedRecordClaimedAfreshLeavesItsListAndIsCountedOnce() {
        onOwnStore("afresh", UnaryOperator.identity(), (own, prefix) -> {
            Layout layout = new Layout(prefix, RedisStore.DEFAULT_BUCKETS);
            String key = "afresh:1";
            own.complete(new Completion(key, claim(own, key, null, "n").token(), bytes("1"), Duration.ofMillis(100),
                    Duration.ZERO, "n"));
            String completedIndex = Wire.string(layout.completedIndex(layout.bucket(key)));
            assertThat(completedMembers(completedIndex)).containsExactly(key);
            redis.elapse(Duration.ofMillis(150));

            ClaimResult.Claimed afresh = claim(own, key, null, "n");
            assertThat(afresh.token()).isEqualTo(2);
            assertThat(completedMembers(completedIndex)).isEmpty();
            assertThat(own.countByState()).containsExactly(Map.entry(RecordState.IN_PROGRESS, 1L));

            own.complete(new Completion(key, afresh.token(), bytes("2"), TTL, Duration.ZERO, "n"));
            assertThat(completedMembers(completedIndex)).containsExactly(key);
            assertThat(own.countByState()).containsExactly(Map.entry(RecordState.COMPLETED, 1L));
            assertThat(own.purgeExpired(100)).isZero();
            assertThat(own.list(new RecordQuery(RecordState.COMPLETED, null, null, null, 10)))
                    .extracting(IdempotencyRecord::key).containsExactly(key);
        });
    }

    @Test
    void purgeEmptiesWholeExpiredPeriodsAndTheExpiredPartOfTheCurrentOneInBatches() {
        onOwnStore("periods", builder -> builder.buckets(1), (own, prefix) -> {
            Layout layout = new Layout(prefix, 1);
            long now = redis.timeMillis();
            if (10_000 - now % 10_000 < 2_000) {
                redis.elapse(Duration.ofMillis(10_000 - now % 10_000));
                now = redis.timeMillis();
            }
            long boundary = (now / 10_000 + 1) * 10_000;
            Duration beforeBoundary = Duration.ofMillis(boundary - now - 1_000);
            completeAll(own, "past:", 30, beforeBoundary);
            completeAll(own, "kept:", 5, TTL);
            redis.elapse(Duration.ofMillis(boundary - redis.timeMillis() + 100));
            for (int i = 0; i < 20; i++) {
                completeAll(own, "current:" + i + "-", 1, Duration.ofMillis(50));
                if (i % 4 == 1) {
                    completeAll(own, "current-later:" + i + "-", 1, Duration.ofSeconds(5));
                }
            }
            completeAll(own, "current-kept:", 5, TTL);
            redis.elapse(Duration.ofMillis(100));
            String completedIndex = Wire.string(layout.completedIndex(0));
            assertThat(redis.commands().zrange(completedIndex, 0, -1)).contains(Long.toString(boundary / 10_000 - 1),
                    Long.toString(boundary / 10_000));
            assertThat(own.countByState()).containsExactly(Map.entry(RecordState.COMPLETED, 65L));

            assertThat(own.purgeExpired(7)).isEqualTo(7);
            assertThat(own.purgeExpired(1_000)).isEqualTo(43);
            assertThat(own.purgeExpired(1_000)).isZero();

            assertThat(own.countByState()).containsExactly(Map.entry(RecordState.COMPLETED, 15L));
            assertThat(completedMembers(completedIndex)).hasSize(15)
                    .allMatch(member -> member.contains("kept:") || member.contains("later:"));
            assertThat(redis.commands().lrange(completedIndex + ":" + boundary / 10_000, 0, -1)).hasSize(5)
                    .allMatch(entry -> entry.contains(":current-later:"));
            assertThat(redis.commands().zrange(completedIndex, 0, -1)).doesNotContain(Long.toString(boundary / 10_000 - 1));
            assertThat(redis.commands().exists(completedIndex + ":" + (boundary / 10_000 - 1))).isZero();
            assertThat(own.list(new RecordQuery(RecordState.COMPLETED, null, null, null, 100))).hasSize(15);
            assertThat(own.find("past:0")).isEmpty();
            assertThat(own.find("current:5-0")).isEmpty();
            assertThat(own.find("current-later:5-0")).isPresent();
        });
    }

    @Test
    void listingCompletedRecordsPagesThroughListsLongerThanOneScanAcrossPeriods() {
        onOwnStore("pages", builder -> builder.buckets(1), (own, prefix) -> {
            Duration later = TTL.plusSeconds(20);
            completeAll(own, "needle:a", 1, TTL);
            completeAll(own, "bulk:a", 1_200, TTL);
            completeAll(own, "needle:b", 1, TTL);
            completeAll(own, "bulk:b", 1_200, later);
            completeAll(own, "needle:c", 1, later);

            assertThat(own.list(new RecordQuery(RecordState.COMPLETED, null, null, "needle:", 10)))
                    .extracting(IdempotencyRecord::key).containsExactlyInAnyOrder("needle:a0", "needle:b0", "needle:c0");
            assertThat(own.countByState()).containsExactly(Map.entry(RecordState.COMPLETED, 2_403L));
        });
    }

    private static void completeAll(IdempotencyStore on, String prefix, int count, Duration ttl) {
        for (int i = 0; i < count; i++) {
            String key = prefix + i;
            on.complete(new Completion(key, claim(on, key, null, "n").token(), bytes("1"), ttl, Duration.ZERO, "n"));
        }
    }

    @Test
    void smallResultsStayInTheRecordAndLargeOnesGoToTheValuesHash() {
        String small = "values:small";
        String large = "values:large";
        byte[] largeResult = bytes("x".repeat(RedisStore.INLINE_RESULT_BYTES + 1));
        store.complete(new Completion(small, claim(store, small, null, "n").token(), bytes("\"ok\""), TTL, Duration.ZERO, "n"));
        store.complete(new Completion(large, claim(store, large, null, "n").token(), largeResult, TTL, Duration.ZERO, "n"));

        assertThat(redis.recordValue(recordKey(small), "f[13] and 1 or 0")).as("result in the record").isOne();
        assertThat(redis.commands().exists(valuesKey(small))).isZero();
        assertThat(redis.recordValue(recordKey(large), "f[13] and 1 or 0")).as("result in the record").isZero();
        assertThat(redis.commands().pttl(valuesKey(large))).isPositive();
        assertThat(((ClaimResult.Completed) store.claim(new ClaimRequest(large, null, LEASE, "n", null))).result())
                .isEqualTo(largeResult);
        assertThat(store.find(large).orElseThrow().result()).isEqualTo(largeResult);
    }

    @Test
    void packedArgumentsReachTheScriptsAsMessagePackThatRedisReadsBackExactly() {
        long[] numbers = {0, 1, 127, 128, 255, 65_535, 65_536, 4_294_967_295L, 4_294_967_296L, 3_153_600_000_000L, -1,
            -3_153_600_000_000L};
        byte[] large = new byte[70_000];
        Arrays.fill(large, (byte) 'x');
        Object[] values = new Object[numbers.length + 5];
        for (int i = 0; i < numbers.length; i++) {
            values[i] = numbers[i];
        }
        values[numbers.length] = bytes("node-1");
        values[numbers.length + 1] = null;
        values[numbers.length + 2] = bytes("ünï-🦄 '; DROP TABLE");
        values[numbers.length + 3] = new byte[0];
        values[numbers.length + 4] = large;
        RedisClient client = RedisClient.create(TestRedis.STANDALONE_URL);
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            List<Object> read = connection.sync().eval("local read = {cmsgpack.unpack(ARGV[1])} "
                    + "for i = 1, " + values.length + " do if read[i] == nil then read[i] = 'nil' end end "
                    + "return read", ScriptOutputType.MULTI, new byte[0][], Wire.packed(values));
            assertThat(read).hasSize(values.length);
            for (int i = 0; i < numbers.length; i++) {
                assertThat(read.get(i)).as("number %d", i).isEqualTo(numbers[i]);
            }
            assertThat(read.subList(numbers.length, values.length)).map(item -> Wire.string((byte[]) item)).containsExactly("node-1", "nil",
                    "ünï-🦄 '; DROP TABLE", "", "x".repeat(large.length));
        } finally {
            client.shutdown();
        }
    }

    @Test
    void invalidArgumentsAreRefusedBeforeRedisIsAsked() {
        assertThatThrownBy(() -> store.renew("k:1", 1, Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.claimDue(0, LEASE, "n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.purgeExpired(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.cancel("k:1", Duration.ofSeconds(-1), "n")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> store.claim(new ClaimRequest("k:1", "fp\uD800", LEASE, "n", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fingerprint");
        assertThatThrownBy(() -> store.claim(new ClaimRequest("k:1", null, Duration.ofDays(365 * 200), "n", null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease");
    }

    @Test
    void theBuilderRefusesWhatCannotWork() {
        assertThatThrownBy(() -> RedisStore.builder().build()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("uri(");
        assertThatThrownBy(() -> RedisStore.builder().uri(TestRedis.STANDALONE_URL).cluster(TestRedis.CLUSTER_URLS))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> RedisStore.builder().keyPrefix("app{1}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStore.builder().keyPrefix("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStore.builder().buckets(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStore.builder().buckets(1025)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStore.builder().commandTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStore.builder().expiryGrace(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStore.builder().maxHistoryPerKey(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RedisStore.builder().cluster(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void itsNameShowsWhereRedisIsButNotThePassword() {
        try (RedisStore secret = RedisStore.builder().uri("redis://user:s3cr3t@127.0.0.1:6399/2").build()) {
            assertThat(secret.toString()).contains("127.0.0.1", "prefix 'idem'").doesNotContain("s3cr3t");
        }
    }

    @Test
    void aClientOrConnectionOfTheApplicationIsLeftOpen() {
        RedisClient client = RedisClient.create(RedisURI.create(TestRedis.STANDALONE_URL));
        try (var connection = client.connect(ByteArrayCodec.INSTANCE)) {
            try (RedisStore onClient = RedisStore.builder().client(client).keyPrefix(PREFIX).build();
                    RedisStore onConnection = RedisStore.builder().connection(connection).keyPrefix(PREFIX).build()) {
                claim(onClient, "shared:client", null, "n");
                claim(onConnection, "shared:connection", null, "n");
                assertThat(onConnection.find("shared:client")).isPresent();
            }
            assertThat(connection.isOpen()).isTrue();
            assertThat(connection.sync().ping()).isEqualTo("PONG");
            try (var another = client.connect()) {
                assertThat(another.sync().ping()).isEqualTo("PONG");
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    void aClosedStoreSaysSo() {
        RedisStore closed = RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(PREFIX).build();
        closed.close();
        closed.close();
        assertThatThrownBy(() -> closed.find("k:1")).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }
}
