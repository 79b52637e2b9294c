package dev.idem.store.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.idem.Idem;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.annotation.Idempotent;
import dev.idem.testing.ReflectiveWeaver;
import dev.idem.testing.TcpProxy;
import io.lettuce.core.RedisURI;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Redis behind a loopback proxy that the test cuts, black-holes and restores: idempotent calls fail
 * closed (the body does not run) within a bounded time, and work again by themselves once Redis is back.
 */
class RedisOutageTest {

    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(1);
    private static final String PREFIX = TestRedis.uniquePrefix("outage");
    private static TestRedis redis;

    static class Payments {
        final AtomicInteger runs = new AtomicInteger();

        @Idempotent(key = "#id")
        public String charge(String id) {
            runs.incrementAndGet();
            return "receipt " + id;
        }
    }

    private final Payments payments = new Payments();
    private final String run = UUID.randomUUID().toString();
    private TcpProxy proxy;
    private RedisStore store;
    private Idem idem;
    private ReflectiveWeaver weaver;

    @BeforeAll
    static void requireRedis() {
        redis = TestRedis.standalone();
    }

    @AfterAll
    static void cleanUp() {
        if (redis == null) {
            return;
        }
        redis.deleteKeys(PREFIX);
        redis.close();
    }

    @BeforeEach
    void startBehindAProxy() throws IOException {
        RedisURI target = RedisURI.create(TestRedis.STANDALONE_URL);
        proxy = new TcpProxy(target.getHost(), target.getPort());
        store = RedisStore.builder().uri(RedisURI.builder(target).withHost("127.0.0.1").withPort(proxy.port()).build())
                .keyPrefix(PREFIX).commandTimeout(COMMAND_TIMEOUT).connectTimeout(COMMAND_TIMEOUT)
                .maxReconnectDelay(Duration.ofMillis(200)).build();
        idem = Idem.builder().store(store).node("outage-test").purgeInterval(Duration.ZERO).build();
        weaver = new ReflectiveWeaver(idem);
    }

    @AfterEach
    void stop() throws IOException {
        idem.close();
        store.close();
        proxy.close();
    }

    /** Charges event {@code id} of this test run, so that runs and tests never share a key. */
    private String charge(String id) {
        return weaver.call(payments, "charge", run + "/" + id);
    }

    private void assertFailsClosedWithin(Duration bound, String id) {
        long start = System.nanoTime();
        assertThatThrownBy(() -> charge(id)).isInstanceOf(IdempotencyStoreUnavailableException.class)
                .hasMessageContaining("not run")
                .cause().hasMessageContaining("Redis store redis://127.0.0.1:" + proxy.port());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(bound);
    }

    private void assertRecoversBySelf(String id) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                .ignoreExceptionsInstanceOf(IdempotencyStoreUnavailableException.class)
                .until(() -> charge(id).equals("receipt " + run + "/" + id));
    }

    @Test
    void aCutConnectionFailsCallsClosedAtOnceAndTheyRecoverByThemselves() {
        assertThat(charge("evt-1")).isEqualTo("receipt " + run + "/evt-1");

        proxy.cut();
        assertFailsClosedWithin(Duration.ofSeconds(5), "evt-2");
        assertThat(payments.runs).hasValue(1);

        proxy.restore();
        assertRecoversBySelf("evt-2");
        assertThat(payments.runs).hasValue(2);
        assertThat(charge("evt-2")).isEqualTo("receipt " + run + "/evt-2");
        assertThat(payments.runs).hasValue(2);
    }

    @Test
    void aPartitionFailsCallsClosedWithinTheCommandTimeoutAndTheyRecoverByThemselves() {
        assertThat(charge("evt-1")).isEqualTo("receipt " + run + "/evt-1");

        proxy.blackhole();
        assertFailsClosedWithin(COMMAND_TIMEOUT.plusMillis(1500), "evt-2");
        assertFailsClosedWithin(COMMAND_TIMEOUT.plusMillis(1500), "evt-3");
        assertThat(payments.runs).hasValue(1);

        proxy.restore();
        assertRecoversBySelf("evt-2");
        assertThat(payments.runs).hasValue(2);
    }

    @Test
    void aStoreBuiltWhileRedisIsDownStartsWorkingOnceItIsUp() {
        proxy.cut();
        assertFailsClosedWithin(Duration.ofSeconds(5), "evt-1");
        assertThat(payments.runs).hasValue(0);

        proxy.restore();
        assertRecoversBySelf("evt-1");
        assertThat(payments.runs).hasValue(1);
    }
}
