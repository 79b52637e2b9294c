package dev.idem.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a completed record costs in Redis memory, by {@code MEMORY USAGE}: the record (fields, the two
 * history entries and the small result, whose own bytes are subtracted) and its one entry in the
 * completed index. The numbers are printed for docs/stores-redis.md.
 *
 * <p>The record is one string key: Redis's fixed cost per key (dictionary entry and object header), the
 * key name, and the value in its compact form, each rounded up to the allocator's size class. The
 * user's own bytes (key, node id, fingerprint) are most of the rest, so the total depends on them.
 */
class RedisMemoryTest {

    /** A fingerprint as the engine computes it: 128 bits of SHA-256, 32 hex characters. */
    private static final String ENGINE_FINGERPRINT = "9f86d081884c7d659a2feaa0c55ad015";
    /** A full SHA-256 fingerprint, as a custom weaver might send. */
    private static final String SHA256_FINGERPRINT = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    private static final String RESULT = "{\"receipt\":\"r_1\"}";
    /** As long as the default prefix {@code idem}, so that key names measure the same, but used by this run only. */
    private static final String PREFIX = "m" + UUID.randomUUID().toString().substring(0, 3);
    private static final String INDEX_PREFIX = TestRedis.uniquePrefix("memory");
    private static TestRedis redis;
    private static RedisStore store;

    @BeforeAll
    static void start() {
        redis = TestRedis.standalone();
        store = RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(PREFIX).build();
    }

    @AfterAll
    static void stop() {
        if (redis == null) {
            return;
        }
        store.close();
        redis.deleteKeys(PREFIX);
        redis.deleteKeys(INDEX_PREFIX);
        redis.close();
    }

    /** Completes {@code key} and returns the memory of its record minus the result's bytes. */
    private static long recordBytesWithoutResult(String key, String node, String fingerprint) {
        ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, fingerprint,
                Duration.ofSeconds(30), node, null));
        store.complete(new Completion(key, claimed.token(), RESULT.getBytes(StandardCharsets.UTF_8), Duration.ofHours(24),
                Duration.ofMillis(5), node));
        Layout layout = new Layout(PREFIX, RedisStore.DEFAULT_BUCKETS);
        String recordKey = Wire.string(layout.recordScriptKeys(key)[0]);
        assertThat(redis.commands().type(recordKey)).isEqualTo("string");
        assertThat(redis.commands().exists(Wire.string(layout.valuesPrefix(layout.bucket(key))) + key))
                .as("no values hash").isZero();
        long bytes = redis.commands().memoryUsage(recordKey) - RESULT.length();
        System.out.printf("memory: record without result %d bytes: key %d chars, key name %d chars (%s), node %d"
                + " chars, %s%n", bytes, key.length(), recordKey.length(), recordKey, node.length(),
                fingerprint == null ? "no fingerprint" : fingerprint.length() * 4 + "-bit fingerprint");
        return bytes;
    }

    @Test
    void aCompletedRecordWithTheEnginesFingerprintTakesAtMost144Bytes() {
        long minimal = recordBytesWithoutResult("o:1", "n1", null);
        long unchecked = recordBytesWithoutResult("payments:evt_000002", "node-1", null);
        long typical = recordBytesWithoutResult("payments:evt_000001", "node-1", ENGINE_FINGERPRINT);
        long shortKey = recordBytesWithoutResult("orders:ord_1001", "node-1", SHA256_FINGERPRINT);
        long fullFingerprint = recordBytesWithoutResult("payments:evt_000003", "node-1", SHA256_FINGERPRINT);
        long longKey = recordBytesWithoutResult("com.example.payments.PaymentService#charge:evt_1NqQ3bL2eZvKYlo2C0aZ8c9X",
                "12345@payments-7f9c8d-abcde", ENGINE_FINGERPRINT);

        assertThat(minimal).isLessThanOrEqualTo(112);
        assertThat(unchecked).isLessThanOrEqualTo(128);
        assertThat(typical).isLessThanOrEqualTo(144);
        assertThat(shortKey).isLessThanOrEqualTo(160);
        assertThat(fullFingerprint).isLessThanOrEqualTo(160);
        assertThat(longKey).isLessThanOrEqualTo(224);
    }

    @Test
    void theCompletedIndexTakesAbout30BytesPerRecord() {
        Layout layout = new Layout(INDEX_PREFIX, RedisStore.DEFAULT_BUCKETS);
        List<String> keys = new ArrayList<>();
        for (int i = 0; keys.size() < 1_000; i++) {
            String key = "payments:evt_" + String.format("%06d", i);
            if (layout.bucket(key) == 0) {
                keys.add(key);
            }
        }
        String completed = Wire.string(layout.completedIndex(0));
        try (RedisStore indexed = RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(INDEX_PREFIX).build()) {
            for (String key : keys) {
                ClaimResult.Claimed claimed = (ClaimResult.Claimed) indexed.claim(new ClaimRequest(key, SHA256_FINGERPRINT,
                        Duration.ofSeconds(30), "node-1", null));
                indexed.complete(new Completion(key, claimed.token(), new byte[] {'1'}, Duration.ofHours(24),
                        Duration.ZERO, "node-1"));
            }
        }
        List<String> periods = redis.commands().zrange(completed, 0, -1);
        long bytes = redis.commands().memoryUsage(completed);
        long entries = 0;
        for (String period : periods) {
            bytes += redis.commands().memoryUsage(completed + ":" + period);
            entries += redis.commands().llen(completed + ":" + period);
        }
        assertThat(entries).isEqualTo(keys.size());
        long perRecord = Math.round(bytes / (double) keys.size());
        System.out.printf("memory: completed-index entry per completed record: %d bytes (%d records in %d lists)%n",
                perRecord, keys.size(), periods.size());
        assertThat(perRecord).isLessThanOrEqualTo(40);
    }
}
