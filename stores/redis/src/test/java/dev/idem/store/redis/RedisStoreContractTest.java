package dev.idem.store.redis;

/** The store contract on a standalone Redis, with two independent store clients. */
class RedisStoreContractTest extends RedisContractTestBase {

    @Override
    TestRedis connectRedis() {
        return TestRedis.standalone();
    }

    @Override
    RedisStore.Builder builder() {
        return RedisStore.builder().uri(TestRedis.STANDALONE_URL);
    }
}
