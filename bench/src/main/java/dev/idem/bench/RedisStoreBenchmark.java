package dev.idem.bench;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.redis.RedisStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.StatusOutput;
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
 * the record (fields, history, small result) and its index entry. Three floors run in the same rounds,
 * each next to the baseline measured with it. The script floor: the same two {@code SET}s, each run inside
 * a Redis function, the least that any store whose writes are server-side scripts (as fencing needs on
 * Redis 7) pays. The contract floor: the least that a first call under the store contract does with the
 * store's kind of record, written as two functions with nothing else: the primary's clock, one MessagePack
 * record created with its audit entry and then read, fenced and rewritten with a TTL, the in-progress index
 * and the completed index; without the store's checks of what it reads, options, buckets or other paths.
 * The string floor: the same commands with the record as a plain string that string operations build,
 * fence and extend, the least any record format can cost under the contract. Not thread-safe.
 */
final class RedisStoreBenchmark {

    private static final int MEMORY_RECORDS = 20_000;
    private static final String FLOOR_LIBRARY_NAME = "idem_bench_floor";
    private static final String FLOOR_LIBRARY = "#!lua name=" + FLOOR_LIBRARY_NAME + "\n" + """
            redis.register_function('idem_bench_floor_claim', function(keys, args)
              return redis.call('SET', keys[1], args[1], 'NX', 'PX', args[2])
            end)
            redis.register_function('idem_bench_floor_complete', function(keys, args)
              return redis.call('SET', keys[1], args[1], 'XX', 'PX', args[2])
            end)
            local function now_ms()
              local time = redis.call('TIME')
              return tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
            end
            redis.register_function('idem_bench_contract_claim', function(keys, args)
              local now = now_ms()
              local record = {'P', 1, 1, args[3], args[2], false, now, 0, 30000, false, false, false, false, false, 1,
                {1, 0}}
              if redis.call('SET', keys[1], cmsgpack.pack(record), 'NX', 'GET') then return 0 end
              redis.call('ZADD', keys[2], string.format('%d', now), args[1])
              return 1
            end)
            redis.register_function('idem_bench_contract_complete', function(keys, args)
              local record = cmsgpack.unpack(redis.call('GET', keys[1]))
              if record[1] ~= 'P' or record[2] ~= tonumber(args[2]) then return 0 end
              local now = now_ms()
              local expiry = now + 86400000
              record[1], record[9], record[11], record[13] = 'C', false, expiry - record[7], args[3]
              table.insert(record, 16, {4, now - record[7], 1})
              record[8], record[15] = now - record[7], record[15] + 1
              redis.call('SET', keys[1], cmsgpack.pack(record), 'PX', '86460000')
              redis.call('ZREM', keys[2], args[1])
              redis.call('RPUSH', keys[3] .. ':' .. string.format('%d', math.floor(expiry / 10000)),
                string.format('%d', expiry % 10000) .. ':' .. args[1])
              return 1
            end)
            redis.register_function('idem_bench_string_claim', function(keys, args)
              local now = string.format('%d', now_ms())
              local record = 'P1|' .. now .. '|30000|' .. args[3] .. '|' .. args[2] .. '|1,0'
              if redis.call('SET', keys[1], record, 'NX', 'GET') then return 0 end
              redis.call('ZADD', keys[2], now, args[1])
              return 1
            end)
            redis.register_function('idem_bench_string_complete', function(keys, args)
              local record = redis.call('GET', keys[1])
              local head = 'P' .. args[2] .. '|'
              if string.sub(record, 1, #head) ~= head then return 0 end
              local created = tonumber(string.sub(record, #head + 1, #head + 13))
              local now = now_ms()
              local expiry = now + 86400000
              record = 'C' .. string.sub(record, 2) .. ';4,' .. string.format('%d', now - created) .. ',1|' .. args[3]
              redis.call('SET', keys[1], record, 'PX', '86460000')
              redis.call('ZREM', keys[2], args[1])
              redis.call('RPUSH', keys[3] .. ':' .. string.format('%d', math.floor(expiry / 10000)),
                string.format('%d', expiry % 10000) .. ':' .. args[1])
              return 1
            end)
            """;

    private static final String[] FLOOR_TITLES = {
        "Script floor: the baseline's two SETs, each run inside a Redis function (FCALL)",
        "Contract floor: the least a first call under the store contract does (clock, one MessagePack record with its "
            + "audit entry, fenced, in-progress and completed indexes), as two functions",
        "String floor: the contract floor's commands, the record a plain string built, fenced and extended by string "
            + "operations instead of MessagePack"};
    private static final String[] FLOOR_COLUMNS = {"SETs as functions", "contract floor", "string floor"};

    private RedisStoreBenchmark() {
    }

    static void run(LoadHarness.Schedule schedule) throws Exception {
        String uri = System.getenv().getOrDefault("IDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379");
        String prefix = "bench" + UUID.randomUUID().toString().substring(0, 4);
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> redis = connection.sync();
            IdempotencyStore store = RedisStore.builder().connection(connection).keyPrefix(prefix).build();
            String floorUnavailable = loadFloor(redis);
            List<LoadHarness.Contender> contenders = contenders(redis, store, prefix, floorUnavailable == null);
            LoadHarness.warmUp(contenders);
            List<List<String>> floorRows = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int callers : StoreBenchmark.CALLERS) {
                List<LoadHarness.Result> results = LoadHarness.measure(callers, schedule, contenders);
                System.out.println(LoadHarness.row("Redis", callers, results.get(0), results.get(1)));
                if (floorUnavailable == null) {
                    for (int floor = 0; floor < floorRows.size(); floor++) {
                        floorRows.get(floor).add(LoadHarness.row("Redis", callers, results.get(2 + floor), results.get(1)));
                    }
                }
            }
            if (floorUnavailable == null) {
                unloadFloor(redis);
                for (int floor = 0; floor < floorRows.size(); floor++) {
                    System.out.println();
                    System.out.println(FLOOR_TITLES[floor] + ", against the baseline of the same row above");
                    System.out.println(LoadHarness.header(FLOOR_COLUMNS[floor]));
                    floorRows.get(floor).forEach(System.out::println);
                }
            } else {
                System.out.println();
                System.out.println("Script floor not measured: " + floorUnavailable);
            }
            store.close();
            memoryPerRecord(connection, prefix + "m");
            deleteKeys(redis, prefix);
        } finally {
            client.shutdown();
        }
    }

    /**
     * The first calls compared, each given a fresh key: the store's, the baseline's, then, when the floors'
     * library is loaded, the script floor's, the contract floor's and the string floor's.
     */
    static List<LoadHarness.Contender> contenders(RedisCommands<byte[], byte[]> redis, IdempotencyStore store,
            String prefix, boolean floors) {
        SetArgs claimArgs = SetArgs.Builder.nx().px(StoreBenchmark.LEASE.toMillis());
        SetArgs completeArgs = SetArgs.Builder.xx().px(StoreBenchmark.TTL.toMillis());
        byte[] claimed = "1".getBytes(StandardCharsets.UTF_8);
        List<LoadHarness.Contender> contenders = new ArrayList<>(List.of(
                new LoadHarness.Contender("redis-idem-", key -> StoreBenchmark.claimAndComplete(store, key)),
                new LoadHarness.Contender(prefix + "-base-", key -> {
                    byte[] name = key.getBytes(StandardCharsets.UTF_8);
                    expectOk(redis.set(name, claimed, claimArgs), "a fresh key was not set");
                    expectOk(redis.set(name, StoreBenchmark.RESULT, completeArgs), "the completion was not set");
                })));
        if (!floors) {
            return contenders;
        }
        byte[] lease = Long.toString(StoreBenchmark.LEASE.toMillis()).getBytes(StandardCharsets.US_ASCII);
        byte[] ttl = Long.toString(StoreBenchmark.TTL.toMillis()).getBytes(StandardCharsets.US_ASCII);
        contenders.add(new LoadHarness.Contender(prefix + "-floor-", key -> {
            byte[][] name = {key.getBytes(StandardCharsets.UTF_8)};
            expectOk(redis.fcall("idem_bench_floor_claim", ScriptOutputType.STATUS, name, claimed, lease),
                    "a fresh key was not set");
            expectOk(redis.fcall("idem_bench_floor_complete", ScriptOutputType.STATUS, name, StoreBenchmark.RESULT, ttl),
                    "the completion was not set");
        }));
        contenders.add(contractFloor(redis, prefix + "{c}", "idem_bench_contract"));
        contenders.add(contractFloor(redis, prefix + "{s}", "idem_bench_string"));
        return contenders;
    }

    /**
     * A floor of the store contract: the floors' functions {@code functions + "_claim"} then
     * {@code functions + "_complete"} on a fresh key, with their indexes under the hash tag that ends
     * {@code tagged}.
     */
    private static LoadHarness.Contender contractFloor(RedisCommands<byte[], byte[]> redis, String tagged, String functions) {
        byte[] fingerprint = StoreBenchmark.FINGERPRINT.getBytes(StandardCharsets.US_ASCII);
        byte[] node = "bench".getBytes(StandardCharsets.US_ASCII);
        byte[] token = "1".getBytes(StandardCharsets.US_ASCII);
        byte[] inProgress = (tagged + "i:P").getBytes(StandardCharsets.UTF_8);
        byte[] completed = (tagged + "i:C").getBytes(StandardCharsets.UTF_8);
        return new LoadHarness.Contender(tagged + "r:", key -> {
            byte[] member = key.getBytes(StandardCharsets.UTF_8);
            byte[][] keys = {member, inProgress, completed};
            expectOne(redis.fcall(functions + "_claim", ScriptOutputType.INTEGER, keys, member, fingerprint, node),
                    "a fresh key was not claimed");
            expectOne(redis.fcall(functions + "_complete", ScriptOutputType.INTEGER, keys, member, token,
                    StoreBenchmark.RESULT), "the claim was not completed");
        });
    }

    /** Loads the floors' library; null when loaded, else why it could not be (functions need Redis 7). */
    static String loadFloor(RedisCommands<byte[], byte[]> redis) {
        try {
            redis.functionLoad(FLOOR_LIBRARY, true);
            return null;
        } catch (RedisCommandExecutionException unsupported) {
            return "FUNCTION LOAD was refused (" + unsupported.getMessage() + "); it needs Redis 7 or later";
        }
    }

    static void unloadFloor(RedisCommands<byte[], byte[]> redis) {
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).add("DELETE").add(FLOOR_LIBRARY_NAME);
        redis.dispatch(CommandType.FUNCTION, new StatusOutput<>(ByteArrayCodec.INSTANCE), args);
    }

    private static void expectOne(Object reply, String otherwise) {
        if (!Long.valueOf(1).equals(reply)) {
            throw new IllegalStateException(otherwise + ": " + reply);
        }
    }

    private static void expectOk(Object reply, String otherwise) {
        if (!"OK".equals(reply)) {
            throw new IllegalStateException(otherwise + ": " + reply);
        }
    }

    /**
     * Completes {@link #MEMORY_RECORDS} records in a store of their own (key prefix {@code prefix}) and prints
     * what each takes, without the result's own bytes: the mean {@code MEMORY USAGE} of a record, and of the
     * bucket indexes divided by the records in them (both exact, with {@code SAMPLES 0}). An index's hash
     * table grows by doubling, so its growth over a span of records depends on whether a doubling falls in
     * the span; its size over its whole content does not.
     */
    private static void memoryPerRecord(StatefulRedisConnection<byte[], byte[]> connection, String prefix) {
        RedisCommands<byte[], byte[]> redis = connection.sync();
        try (IdempotencyStore store = RedisStore.builder().connection(connection).keyPrefix(prefix).build()) {
            for (int i = 0; i < MEMORY_RECORDS; i++) {
                StoreBenchmark.claimAndComplete(store, "payments:evt_" + String.format(Locale.ROOT, "%08d", i));
            }
        }
        List<byte[]> records = keys(redis, prefix + "{*}r:*");
        if (records.size() != MEMORY_RECORDS) {
            throw new IllegalStateException("found " + records.size() + " records under " + prefix + ", expected "
                    + MEMORY_RECORDS);
        }
        double indexBytes = memoryUsage(redis, keys(redis, prefix + "{*}i:*")) / (double) MEMORY_RECORDS;
        double recordBytes = memoryUsage(redis, records) / (double) MEMORY_RECORDS - StoreBenchmark.RESULT.length;
        System.out.printf(Locale.ROOT, "%nRedis MEMORY USAGE per completed record, without its %d-byte result: %.0f bytes"
                + " (record %.0f, completed index entry %.0f; mean over %,d records; %s)%n", StoreBenchmark.RESULT.length,
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

    static void deleteKeys(RedisCommands<byte[], byte[]> redis, String prefix) {
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
