package dev.idem.store.redis;

import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.FlushMode;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.sync.RedisFunctionCommands;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The Redis servers the tests run against, and plain Redis commands the tests need besides the store's:
 * the server's clock, damaging a record by hand, memory usage, flushing scripts and functions, and removing a test's
 * keys afterwards. Addresses come from {@code IDEM_TEST_REDIS_URL} (default {@code redis://127.0.0.1:6379})
 * and {@code IDEM_TEST_REDIS_CLUSTER} (default the three masters of {@code scripts/redis-cluster.sh}). A
 * server that does not answer fails the test with a message that says how to start it.
 */
final class TestRedis implements AutoCloseable {

    static final String STANDALONE_URL = env("IDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    static final List<String> CLUSTER_URLS = Arrays.asList(env("IDEM_TEST_REDIS_CLUSTER",
            "redis://127.0.0.1:7001,redis://127.0.0.1:7002,redis://127.0.0.1:7003").split(","));

    /** The functions the store's scripts share, which a script of a test may call too. */
    private static final String STORE_FUNCTIONS = storeFunctions();

    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterCommands<String, String> commands;

    private TestRedis(AbstractRedisClient client, StatefulConnection<String, String> connection,
            RedisClusterCommands<String, String> commands) {
        this.client = client;
        this.connection = connection;
        this.commands = commands;
    }

    /** The standalone server, or a failed test saying how to start it. */
    static TestRedis standalone() {
        RedisClient client = RedisClient.create(RedisURI.create(STANDALONE_URL));
        try {
            var connection = client.connect();
            return new TestRedis(client, connection, connection.sync());
        } catch (RuntimeException e) {
            client.shutdown();
            return fail("no Redis answers at " + STANDALONE_URL + " (IDEM_TEST_REDIS_URL): " + e.getMessage()
                    + "; start one with: redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no",
                    e);
        }
    }

    /** The cluster, or a failed test saying how to start it. */
    static TestRedis cluster() {
        List<RedisURI> seeds = new ArrayList<>();
        for (String url : CLUSTER_URLS) {
            seeds.add(RedisURI.create(url.trim()));
        }
        RedisClusterClient client = RedisClusterClient.create(seeds);
        try {
            var connection = client.connect();
            String state = connection.sync().clusterInfo();
            if (!state.contains("cluster_state:ok")) {
                throw new IllegalStateException("the cluster state is not ok: " + state.lines().findFirst().orElse(""));
            }
            return new TestRedis(client, connection, connection.sync());
        } catch (RuntimeException e) {
            client.shutdown();
            return fail("no Redis Cluster answers at " + CLUSTER_URLS + " (IDEM_TEST_REDIS_CLUSTER): " + e.getMessage()
                    + "; start it with: bash scripts/redis-cluster.sh start", e);
        }
    }

    /** A key prefix no other test run uses. */
    static String uniquePrefix(String test) {
        return "idemtest-" + test + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    RedisClusterCommands<String, String> commands() {
        return commands;
    }

    long timeMillis() {
        List<String> time = commands.time();
        return Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
    }

    /** Waits until {@code duration} has passed on the Redis clock. */
    void elapse(Duration duration) {
        long until = timeMillis() + duration.toMillis();
        await().pollDelay(duration).pollInterval(Duration.ofMillis(10)).atMost(duration.plusSeconds(10))
                .until(() -> timeMillis() >= until);
    }

    /**
     * Edits the record at {@code recordKey} as a hand with redis-cli and Lua could: {@code change} is Lua
     * that changes {@code f}, the record as the store's scripts read it (its MessagePack array, also for a
     * record written as text); the record is written back as that array, with its TTL.
     */
    void editRecord(String recordKey, String change) {
        commands.eval(STORE_FUNCTIONS + "local f = read_record(redis.call('GET', KEYS[1])) " + change
                + " redis.call('SET', KEYS[1], cmsgpack.pack(f), 'KEEPTTL') return 'OK'", ScriptOutputType.STATUS,
                recordKey);
    }

    /** What the Lua {@code expression} gives as a string, evaluated after the store's shared functions. */
    String libraryValue(String expression) {
        return commands.eval(STORE_FUNCTIONS + "return " + expression, ScriptOutputType.VALUE);
    }

    /** Replaces the bytes of the record at {@code recordKey} by {@code expression}, Lua over them as {@code bytes}. */
    void editBytes(String recordKey, String expression) {
        commands.eval("local bytes = redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], " + expression
                + ", 'KEEPTTL') return 'OK'", ScriptOutputType.STATUS, recordKey);
    }

    /** The bytes of the string at {@code key} in lower-case hex. */
    String hex(String key) {
        return commands.eval("return (string.gsub(redis.call('GET', KEYS[1]), '.', function(c) "
                + "return string.format('%02x', string.byte(c)) end))", ScriptOutputType.VALUE, key);
    }

    /**
     * The value of {@code expression}, Lua over {@code f}, the record at {@code recordKey} as the store's
     * scripts read it (the MessagePack array, also for a record written as text), and over {@code bytes}, the
     * record as stored.
     */
    long recordValue(String recordKey, String expression) {
        return commands.eval(STORE_FUNCTIONS + "local bytes = redis.call('GET', KEYS[1]) local f = read_record(bytes) "
                + "return " + expression, ScriptOutputType.INTEGER, recordKey);
    }

    /** Removes every function library from every master, as {@code FUNCTION FLUSH} by an operator would. */
    void flushFunctions() {
        if (connection instanceof StatefulRedisClusterConnection<String, String> cluster) {
            for (RedisClusterNode node : cluster.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    cluster.getConnection(node.getNodeId()).sync().functionFlush(FlushMode.SYNC);
                }
            }
        } else {
            commands.functionFlush(FlushMode.SYNC);
        }
    }

    /** The names of the function libraries of the master that holds {@code key}'s slot (or of the server). */
    List<String> libraries(String key) {
        RedisFunctionCommands<String, String> node = connection instanceof StatefulRedisClusterConnection<String, String> cluster
                ? cluster.getConnection(cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getNodeId()).sync()
                : commands;
        List<String> names = new ArrayList<>();
        for (Map<String, Object> library : node.functionList()) {
            names.add(String.valueOf(library.get("library_name")));
        }
        return names;
    }

    /** Removes every key that starts with {@code prefix}, on every master. */
    void deleteKeys(String prefix) {
        ScanArgs match = ScanArgs.Builder.matches(prefix + "{*").limit(1000);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<String> page = commands.scan(cursor, match);
            for (String key : page.getKeys()) {
                commands.unlink(key);
            }
            cursor = page;
        } while (!cursor.isFinished());
    }

    /** The address of the cluster master that holds {@code key}. */
    String masterOf(String key) {
        RedisURI master = ((RedisClusterClient) client).getPartitions().getPartitionBySlot(SlotHash.getSlot(key)).getUri();
        return master.getHost() + ":" + master.getPort();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    private static String storeFunctions() {
        try (InputStream in = TestRedis.class.getResourceAsStream("lib.lua")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8) + "\nbind()\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
