package dev.idem.store.redis;

import dev.idem.store.DurableStoreContractTest;
import dev.idem.store.IdempotencyStore;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The store contract on a Redis deployment, with two independent store clients under one key prefix of
 * this test class's own, deleted afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisContractTestBase extends DurableStoreContractTest {

    final String prefix = TestRedis.uniquePrefix(getClass().getSimpleName());
    TestRedis redis;
    RedisStore store;
    RedisStore otherClient;

    /** The deployment under test. */
    abstract TestRedis connectRedis();

    /** A builder of a store client of that deployment. */
    abstract RedisStore.Builder builder();

    @BeforeAll
    void connect() {
        redis = connectRedis();
        store = builder().keyPrefix(prefix).build();
        otherClient = builder().keyPrefix(prefix).build();
    }

    @AfterAll
    void close() {
        if (redis == null) {
            return;
        }
        store.close();
        otherClient.close();
        redis.deleteKeys(prefix);
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

    /** The Redis key of {@code key}'s record. */
    String recordKey(String key) {
        return Wire.string(new Layout(prefix, RedisStore.DEFAULT_BUCKETS).recordScriptKeys(key)[0]);
    }

    /** Writes an impossible state into the record, as a slip with redis-cli and Lua would. */
    @Override
    protected void corrupt(String key) {
        redis.editRecord(recordKey(key), "f[1] = 'Z'");
    }
}
