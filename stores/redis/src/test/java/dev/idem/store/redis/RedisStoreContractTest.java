package dev.idem.store.redis;

import dev.idem.store.DurableStoreContractTest;
import dev.idem.store.IdempotencyStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The store contract on a standalone Redis, with two independent store clients. */
class RedisStoreContractTest extends DurableStoreContractTest {

    private static final String PREFIX = TestRedis.uniquePrefix("contract");
    private static TestRedis redis;
    private static RedisStore store;
    private static RedisStore otherClient;

    @BeforeAll
    static void connect() {
        redis = TestRedis.standalone();
        store = RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(PREFIX).build();
        otherClient = RedisStore.builder().uri(TestRedis.STANDALONE_URL).keyPrefix(PREFIX).build();
    }

    @AfterAll
    static void close() {
        if (redis == null) {
            return;
        }
        store.close();
        otherClient.close();
        redis.deleteKeys(PREFIX);
        redis.close();
    }

    @Override
    protected IdempotencyStore store() {
        return store;
    }

    @Override
    protected IdempotencyStore otherClient() {
        return otherClient;
    }

    @Override
    protected void elapse(Duration duration) {
        redis.elapse(duration);
    }

    /** Writes an impossible state into the record hash, as a typo in redis-cli would. */
    @Override
    protected void corrupt(String key) {
        redis.commands().hset(Wire.string(new Layout(PREFIX, RedisStore.DEFAULT_BUCKETS).recordScriptKeys(key)[0]),
                "s", "Z");
    }
}
