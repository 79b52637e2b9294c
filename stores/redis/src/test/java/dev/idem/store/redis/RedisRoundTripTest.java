package dev.idem.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Idem;
import dev.idem.annotation.Idempotent;
import dev.idem.testing.ReflectiveWeaver;
import io.lettuce.core.RedisURI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Counts, on the Redis server, the commands an idempotent call costs through the real engine: a first
 * call is two (the claim script, which creates the record and its audit entry, and the complete script,
 * which stores the result and its entry); a duplicate is one (the claim script, which answers with the
 * stored result). The server's {@code MONITOR} feed is filtered by the store's client address, so other
 * clients of the shared server do not count; an {@code ECHO} marker sent after the call bounds it.
 */
class RedisRoundTripTest {

    private static final String PREFIX = TestRedis.uniquePrefix("roundtrip");
    private static final String CLIENT_NAME = "idem-roundtrip-" + UUID.randomUUID();
    private static TestRedis redis;
    private static RedisStore store;
    private static Idem idem;

    static class Payments {
        final AtomicInteger runs = new AtomicInteger();

        @Idempotent(key = "#id")
        public String charge(String id) {
            runs.incrementAndGet();
            return "receipt " + id;
        }
    }

    @BeforeAll
    static void start() {
        redis = TestRedis.standalone();
        RedisURI uri = RedisURI.builder(RedisURI.create(TestRedis.STANDALONE_URL)).withClientName(CLIENT_NAME).build();
        store = RedisStore.builder().uri(uri).keyPrefix(PREFIX).build();
        idem = Idem.builder().store(store).node("roundtrip-test").purgeInterval(Duration.ZERO).build();
    }

    @AfterAll
    static void stop() {
        if (redis == null) {
            return;
        }
        idem.close();
        store.close();
        redis.deleteKeys(PREFIX);
        redis.close();
    }

    /** The address Redis reports for the store's connection. */
    private static String storeClientAddress() {
        for (String client : redis.commands().clientList().split("\n")) {
            if (client.contains(" name=" + CLIENT_NAME + " ")) {
                return client.split("addr=", 2)[1].split(" ", 2)[0];
            }
        }
        throw new IllegalStateException("the store has no connection named " + CLIENT_NAME);
    }

    private static List<String> commandsOf(Runnable call) throws Exception {
        String marker = "idem-marker-" + UUID.randomUUID();
        try (Monitor monitor = new Monitor(RedisURI.create(TestRedis.STANDALONE_URL))) {
            call.run();
            redis.commands().echo(marker);
            return monitor.commandsOf(storeClientAddress(), marker);
        }
    }

    @Test
    void aFirstCallCostsTwoRedisCommandsAndADuplicateOne() throws Exception {
        Payments payments = new Payments();
        ReflectiveWeaver weaver = new ReflectiveWeaver(idem);
        String id = "evt-" + UUID.randomUUID();
        store.find("warm-up:connect-and-load-scripts");

        List<String> first = commandsOf(() -> weaver.call(payments, "charge", id));
        List<String> duplicate = commandsOf(() -> weaver.call(payments, "charge", id));

        assertThat(first).containsExactly("evalsha", "evalsha");
        assertThat(duplicate).containsExactly("evalsha");
        assertThat(payments.runs).hasValue(1);
    }
}
