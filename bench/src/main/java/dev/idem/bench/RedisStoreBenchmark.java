package dev.idem.bench;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.redis.RedisStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.UUID;

/**
 * The Redis half of {@link StoreBenchmark}: the store's claim + complete next to {@code SET NX PX} then
 * {@code SET XX} on the same connection, and the memory a completed record takes, measured from Redis's
 * {@code used_memory} over many records (record, history and index entries together) and from
 * {@code MEMORY USAGE} of the record hashes alone.
 */
final class RedisStoreBenchmark {

    private static final int MEMORY_RECORDS = 20_000;
    private static final int MEMORY_SAMPLE = 500;

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

    private static void memoryPerRecord(RedisCommands<byte[], byte[]> redis, IdempotencyStore store, String prefix) {
        long before = usedMemory(redis);
        for (int i = 0; i < MEMORY_RECORDS; i++) {
            StoreBenchmark.claimAndComplete(store, "payments:evt_" + String.format(Locale.ROOT, "%08d", i));
        }
        long after = usedMemory(redis);
        double perRecord = (after - before) / (double) MEMORY_RECORDS - StoreBenchmark.RESULT.length;
        System.out.printf(Locale.ROOT, "%nRedis memory per completed record, without its %d-byte result: %.0f bytes "
                + "(used_memory over %,d records: record hash, history and both index entries; %s)%n",
                StoreBenchmark.RESULT.length, perRecord, MEMORY_RECORDS, prefix);
        System.out.printf(Locale.ROOT, "Redis MEMORY USAGE of a completed record's hash, without its result: %.0f bytes "
                + "(mean over %d records; the hash holds the record and its history)%n",
                recordHashBytes(redis, prefix) - StoreBenchmark.RESULT.length, MEMORY_SAMPLE);
    }

    /** The mean {@code MEMORY USAGE} of the first {@link #MEMORY_SAMPLE} record hashes under {@code prefix}. */
    private static double recordHashBytes(RedisCommands<byte[], byte[]> redis, String prefix) {
        io.lettuce.core.KeyScanArgs hashes = io.lettuce.core.KeyScanArgs.Builder.type("hash");
        hashes.match(prefix + "*").limit(1000);
        long total = 0;
        int sampled = 0;
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        do {
            io.lettuce.core.KeyScanCursor<byte[]> page = redis.scan(cursor, hashes);
            for (byte[] key : page.getKeys()) {
                if (sampled < MEMORY_SAMPLE) {
                    total += redis.memoryUsage(key);
                    sampled++;
                }
            }
            cursor = page;
        } while (sampled < MEMORY_SAMPLE && !cursor.isFinished());
        if (sampled < MEMORY_SAMPLE) {
            throw new IllegalStateException("found " + sampled + " record hashes under " + prefix + ", expected "
                    + MEMORY_SAMPLE);
        }
        return total / (double) sampled;
    }

    private static long usedMemory(RedisCommands<byte[], byte[]> redis) {
        for (String line : redis.info("memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("INFO memory has no used_memory");
    }

    private static void deleteKeys(RedisCommands<byte[], byte[]> redis, String prefix) {
        io.lettuce.core.ScanCursor cursor = io.lettuce.core.ScanCursor.INITIAL;
        io.lettuce.core.ScanArgs match = io.lettuce.core.ScanArgs.Builder.matches(prefix + "*").limit(1000);
        do {
            io.lettuce.core.KeyScanCursor<byte[]> page = redis.scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                redis.unlink(page.getKeys().toArray(new byte[0][]));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }
}
