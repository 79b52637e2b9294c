package dev.idem.bench;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.redis.RedisStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.UUID;

/**
 * The Redis half of {@link StoreBenchmark}: the store's claim + complete next to {@code SET NX PX} then
 * {@code SET XX} on the same connection, and the memory a completed record takes by {@code MEMORY USAGE}:
 * the record (fields, history, small result) and its index entry.
 */
final class RedisStoreBenchmark {

    private static final int MEMORY_RECORDS = 20_000;

    private RedisStoreBenchmark() {
    }

    static void run(long seconds) throws Exception {
        String uri = System.getenv().getOrDefault("IDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "bench" + UUID.randomUUID().toString().substring(0, 4);
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> redis = connection.sync();
            IdempotencyStore store = RedisStore.builder().connection(connection).keyPrefix(prefix).build();
            SetArgs claimArgs = SetArgs.Builder.nx().px(StoreBenchmark.LEASE.toMillis());
            SetArgs completeArgs = SetArgs.Builder.xx().px(StoreBenchmark.TTL.toMillis());
            byte[] claimed = "1".getBytes(StandardCharsets.UTF_8);
            for (int callers : StoreBenchmark.CALLERS) {
                LoadHarness.Result idem = LoadHarness.measure("redis-idem-" + callers + "-", callers, seconds * 500,
                        seconds * 1000, key -> StoreBenchmark.claimAndComplete(store, key));
                LoadHarness.Result baseline = LoadHarness.measure(prefix + "-base-" + callers + "-", callers,
                        seconds * 500, seconds * 1000, key -> {
                            byte[] name = key.getBytes(StandardCharsets.UTF_8);
                            if (!"OK".equals(redis.set(name, claimed, claimArgs))) {
                                throw new IllegalStateException("a fresh key was not set");
                            }
                            if (!"OK".equals(redis.set(name, StoreBenchmark.RESULT, completeArgs))) {
                                throw new IllegalStateException("the completion was not set");
                            }
                        });
                System.out.println(LoadHarness.row("Redis", callers, idem, baseline));
            }
            memoryPerRecord(redis, store, prefix);
            store.close();
            deleteKeys(redis, prefix);
        } finally {
            client.shutdown();
        }
    }

    /**
     * Completes {@link #MEMORY_RECORDS} more records and prints what each takes: the mean
     * {@code MEMORY USAGE} of a record, and how much the bucket indexes grew per record (both exact, with
     * {@code SAMPLES 0}), without the result's own bytes.
     */
    private static void memoryPerRecord(RedisCommands<byte[], byte[]> redis, IdempotencyStore store, String prefix) {
        List<byte[]> indexes = keys(redis, prefix + "{*}i:*");
        long indexesBefore = memoryUsage(redis, indexes);
        List<String> added = new ArrayList<>();
        for (int i = 0; i < MEMORY_RECORDS; i++) {
            String key = "payments:evt_" + String.format(Locale.ROOT, "%08d", i);
            StoreBenchmark.claimAndComplete(store, key);
            added.add(key);
        }
        double indexBytes = (memoryUsage(redis, keys(redis, prefix + "{*}i:*")) - indexesBefore) / (double) MEMORY_RECORDS;
        List<byte[]> records = keys(redis, prefix + "{*}r:payments:evt_*");
        if (records.size() != added.size()) {
            throw new IllegalStateException("found " + records.size() + " records under " + prefix + ", expected "
                    + added.size());
        }
        double recordBytes = memoryUsage(redis, records) / (double) records.size() - StoreBenchmark.RESULT.length;
        System.out.printf(Locale.ROOT, "%nRedis MEMORY USAGE per completed record, without its %d-byte result: %.0f bytes"
                + " (record %.0f, expiry index entry %.0f; mean over %,d records; %s)%n", StoreBenchmark.RESULT.length,
                recordBytes + indexBytes, recordBytes, indexBytes, MEMORY_RECORDS, prefix);
    }

    /** The keys that match {@code pattern}, each once (a {@code SCAN} may return a key twice). */
    private static List<byte[]> keys(RedisCommands<byte[], byte[]> redis, String pattern) {
        Map<String, byte[]> keys = new LinkedHashMap<>();
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs match = ScanArgs.Builder.matches(pattern).limit(1000);
        do {
            KeyScanCursor<byte[]> page = redis.scan(cursor, match);
            for (byte[] key : page.getKeys()) {
                keys.put(new String(key, StandardCharsets.UTF_8), key);
            }
            cursor = page;
        } while (!cursor.isFinished());
        return new ArrayList<>(keys.values());
    }

    /** The exact sum of {@code MEMORY USAGE key SAMPLES 0} over {@code keys}. */
    private static long memoryUsage(RedisCommands<byte[], byte[]> redis, List<byte[]> keys) {
        long total = 0;
        for (byte[] key : keys) {
            CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).add("USAGE").addKey(key)
                    .add("SAMPLES").add(0);
            Long bytes = redis.dispatch(CommandType.MEMORY, new IntegerOutput<>(ByteArrayCodec.INSTANCE), args);
            total += bytes == null ? 0 : bytes;
        }
        return total;
    }

    private static void deleteKeys(RedisCommands<byte[], byte[]> redis, String prefix) {
        ScanCursor cursor = ScanCursor.INITIAL;
        ScanArgs match = ScanArgs.Builder.matches(prefix + "*").limit(1000);
        do {
            KeyScanCursor<byte[]> page = redis.scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                redis.unlink(page.getKeys().toArray(new byte[0][]));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }
}
