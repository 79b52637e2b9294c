package dev.idem.store.redis;

/**
 * The store contract on a standalone Redis with the operations run as scripts ({@code EVALSHA}), as on a
 * Redis before 7.0 or one whose ACL refuses {@code FUNCTION LOAD}: two independent store clients.
 */
class RedisScriptsContractTest extends RedisContractTestBase {

    @Override
    TestRedis connectRedis() {
        return TestRedis.standalone();
    }

    @Override
    RedisStore.Builder builder() {
        return RedisStore.builder().uri(TestRedis.STANDALONE_URL).functions(false);
    }
}
