package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.annotation.Idempotent;
import dev.idem.store.InMemoryStore;
import dev.idem.testing.ReflectiveWeaver;
import dev.idem.testing.Together;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;

/**
 * 64 threads deliver each of 1,000 events 8 times, interleaved: every body runs exactly once and every
 * caller of an event gets the same result.
 */
class ConcurrencyTest {

    private static final int THREADS = 64;
    private static final int KEYS = 1_000;
    private static final int DELIVERIES = 8;

    record Delivery(String eventId, long amount) {
    }

    record Settlement(String eventId, long amount, long serial) {
    }

    static class Ledger {
        final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        final AtomicLong serials = new AtomicLong();

        @Idempotent(key = "#delivery.eventId")
        public Settlement settle(Delivery delivery) {
            runs.computeIfAbsent(delivery.eventId(), id -> new AtomicInteger()).incrementAndGet();
            for (int i = 0; i < 50; i++) {
                Thread.yield();
            }
            return new Settlement(delivery.eventId(), delivery.amount(), serials.incrementAndGet());
        }
    }

    @RepeatedTest(5)
    void everyEventRunsOnceAndEveryCallerGetsTheSameResult() throws Exception {
        List<Delivery> deliveries = new ArrayList<>();
        for (int key = 0; key < KEYS; key++) {
            for (int copy = 0; copy < DELIVERIES; copy++) {
                deliveries.add(new Delivery("evt_" + key, key * 10L));
            }
        }
        Collections.shuffle(deliveries, new Random(deliveries.hashCode()));
        ConcurrentLinkedQueue<Delivery> queue = new ConcurrentLinkedQueue<>(deliveries);
        Map<String, List<Settlement>> results = new ConcurrentHashMap<>();
        Ledger ledger = new Ledger();

        try (Idem idem = Idem.builder().store(new InMemoryStore()).build()) {
            ReflectiveWeaver weaver = new ReflectiveWeaver(idem);
            Together.run(THREADS, thread -> {
                for (Delivery delivery = queue.poll(); delivery != null; delivery = queue.poll()) {
                    Settlement settlement = weaver.call(ledger, "settle", delivery);
                    results.computeIfAbsent(delivery.eventId(), id -> Collections.synchronizedList(new ArrayList<>()))
                            .add(settlement);
                }
            });
        }

        assertThat(ledger.runs).hasSize(KEYS);
        assertThat(ledger.runs.values()).allSatisfy(runs -> assertThat(runs).hasValue(1));
        assertThat(ledger.serials).hasValue(KEYS);
        assertThat(results).hasSize(KEYS);
        results.forEach((eventId, settlements) -> {
            assertThat(settlements).hasSize(DELIVERIES);
            assertThat(settlements).containsOnly(settlements.get(0));
            assertThat(settlements.get(0).eventId()).isEqualTo(eventId);
        });
    }
}
