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
 * call is two (the claim, which creates the record and its audit entry, and the completion, which stores
 * the result and its entry), each one {@code FCALL}, or one {@code EVALSHA} for a store that runs scripts;
 * a duplicate is one (the claim, which answers with the stored result). The server's {@code MONITOR} feed is filtered by the store's client address, so other
 * clients of the shared server do not count; an {@code ECHO} marker sent after the call bounds it.
 */
class RedisRoundTripTest {

    private static final String PREFIX = TestRedis.uniquePrefix("roundtrip");
    private static TestRedis redis;

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
    }

    @AfterAll
    static void stop() {
        if (redis == null) {
            return;
        }
        redis.deleteKeys(PREFIX);
        redis.close();
    }

    /** The address Redis reports for the connection named {@code clientName}. */
    private static String clientAddress(String clientName) {
        for (String client : redis.commands().clientList().split("\n")) {
            if (client.contains(" name=" + clientName + " ")) {
                return client.split("addr=", 2)[1].split(" ", 2)[0];
            }
        }
        throw new IllegalStateException("the store has no connection named " + clientName);
    }

    private static List<String> commandsOf(String clientName, Runnable call) throws Exception {
        String marker = "idem-marker-" + UUID.randomUUID();
        try (Monitor monitor = new Monitor(RedisURI.create(TestRedis.STANDALONE_URL))) {
            call.run();
            redis.commands().echo(marker);
            return monitor.commandsOf(clientAddress(clientName), marker);
        }
    }

    /** The commands of a first call and of its duplicate, through a store with or without its library. */
    private static List<List<String>> firstCallAndDuplicate(boolean functions) throws Exception {
        String clientName = "idem-roundtrip-" + UUID.randomUUID();
        RedisURI uri = RedisURI.builder(RedisURI.create(TestRedis.STANDALONE_URL)).withClientName(clientName).build();
        try (RedisStore store = RedisStore.builder().uri(uri).keyPrefix(PREFIX).functions(functions).build();
                Idem idem = Idem.builder().store(store).node("roundtrip-test").purgeInterval(Duration.ZERO).build()) {
            Payments payments = new Payments();
            ReflectiveWeaver weaver = new ReflectiveWeaver(idem);
            String id = "evt-" + UUID.randomUUID();
            store.find("warm-up:connect-and-load-scripts");

            List<String> first = commandsOf(clientName, () -> weaver.call(payments, "charge", id));
            List<String> duplicate = commandsOf(clientName, () -> weaver.call(payments, "charge", id));
            assertThat(payments.runs).hasValue(1);
            return List.of(first, duplicate);
        }
    }

    @Test
    void aFirstCallCostsTwoRedisCommandsAndADuplicateOne() throws Exception {
        assertThat(firstCallAndDuplicate(true)).containsExactly(List.of("fcall", "fcall"), List.of("fcall"));
    }

    @Test
    void asScriptsAFirstCallCostsTwoRedisCommandsAndADuplicateOne() throws Exception {
        assertThat(firstCallAndDuplicate(false)).containsExactly(List.of("evalsha", "evalsha"), List.of("evalsha"));
    }
}
