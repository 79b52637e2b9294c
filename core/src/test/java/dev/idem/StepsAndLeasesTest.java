package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.idem.annotation.IdempotencyLeaseLostException;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Steps;
import dev.idem.annotation.TypeRef;
import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.InMemoryStore;
import dev.idem.testing.MutableClock;
import dev.idem.testing.ReflectiveWeaver;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Saved steps, lease renewal, takeover after a lease runs out, and fencing of the old owner. */
class StepsAndLeasesTest {

    record Line(String sku, int quantity) {
    }

    static class Orders {
        final AtomicInteger reservations = new AtomicInteger();
        final AtomicInteger charges = new AtomicInteger();
        final AtomicInteger emails = new AtomicInteger();
        final AtomicInteger chargeFailures = new AtomicInteger();
        volatile CountDownLatch entered = new CountDownLatch(1);
        volatile CountDownLatch gate;

        @Idempotent(key = "#orderId")
        public String place(String orderId) {
            String reservation = Steps.run("reserve", String.class, () -> "res-" + reservations.incrementAndGet());
            String charge = Steps.run("charge", String.class, () -> {
                if (chargeFailures.getAndDecrement() > 0) {
                    throw new IllegalStateException("gateway down");
                }
                return "ch-" + charges.incrementAndGet();
            });
            Steps.run("email", () -> emails.incrementAndGet());
            return reservation + "/" + charge;
        }

        @Idempotent(key = "#orderId")
        public List<Line> lines(String orderId) {
            return Steps.run("lines", new TypeRef<List<Line>>() { }, () -> {
                reservations.incrementAndGet();
                return List.of(new Line("sku-1", 2));
            });
        }

        @Idempotent(key = "#orderId", lease = "10s")
        public String slowPlace(String orderId) throws InterruptedException {
            String reservation = Steps.run("reserve", String.class, () -> "res-" + reservations.incrementAndGet());
            entered.countDown();
            if (gate != null) {
                gate.await(10, TimeUnit.SECONDS);
            }
            String charge = Steps.run("charge", String.class, () -> "ch-" + charges.incrementAndGet());
            return reservation + "/" + charge;
        }

        @Idempotent(key = "#orderId", lease = "300ms", onInProgress = dev.idem.annotation.InProgress.REJECT)
        public String longCall(String orderId) throws InterruptedException {
            entered.countDown();
            gate.await(10, TimeUnit.SECONDS);
            return "done";
        }
    }

    private final MutableClock storeClock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final InMemoryStore store = new InMemoryStore(storeClock);
    private final Idem idem = Idem.builder().store(store).node("node-a").renewLeases(false).build();
    private final ReflectiveWeaver weaver = new ReflectiveWeaver(idem);
    private final Orders orders = new Orders();

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void close() {
        callers.shutdownNow();
        idem.close();
    }

    @Test
    void aResumedCallSkipsTheStepsItAlreadySaved() {
        orders.chargeFailures.set(1);

        assertThatThrownBy(() -> weaver.call(orders, "place", "order-1"))
                .isInstanceOf(IllegalStateException.class).hasMessage("gateway down");
        String result = weaver.call(orders, "place", "order-1");

        assertThat(result).isEqualTo("res-1/ch-1");
        assertThat(orders.reservations).hasValue(1);
        assertThat(orders.charges).hasValue(1);
        assertThat(orders.emails).hasValue(1);
        List<AuditEntry> history = idem.audit().history(Orders.class.getName() + "#place:order-1");
        assertThat(history).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED, AuditEvent.STEP_SAVED,
                AuditEvent.RELEASED, AuditEvent.CLAIMED, AuditEvent.STEP_SAVED, AuditEvent.STEP_SAVED,
                AuditEvent.COMPLETED);
        assertThat(history).extracting(AuditEntry::detail).containsSubsequence("reserve", "charge", "email");
    }

    @Test
    void stepsReplayGenericValuesAsTheirDeclaredType() {
        orders.chargeFailures.set(0);
        List<Line> first = weaver.call(orders, "lines", "order-2");

        assertThat(first).containsExactly(new Line("sku-1", 2));
        assertThat(first.get(0)).isInstanceOf(Line.class);
    }

    @Test
    void aStepOutsideAnIdempotentCallIsRefused() {
        assertThatThrownBy(() -> Steps.run("orphan", String.class, () -> "x"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("orphan")
                .hasMessageContaining("outside an @Idempotent call");
        assertThat(Steps.active()).isFalse();
    }

    @Test
    void anOwnerWhoseLeaseRanOutIsFencedOutAndTheNewOwnerResumesAfterItsSteps() throws Exception {
        Orders slow = new Orders();
        slow.gate = new CountDownLatch(1);
        CompletableFuture<String> paused = CompletableFuture.supplyAsync(() -> weaver.call(slow, "slowPlace", "order-3"), callers);
        assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();

        storeClock.advance(Duration.ofSeconds(11));
        try (Idem otherNode = Idem.builder().store(store).node("node-b").renewLeases(false).build()) {
            Orders healthy = new Orders();
            String taken = new ReflectiveWeaver(otherNode).call(healthy, "slowPlace", "order-3");

            assertThat(taken).isEqualTo("res-1/ch-1");
            assertThat(healthy.reservations).hasValue(0);
            assertThat(healthy.charges).hasValue(1);
        }
        slow.gate.countDown();

        assertThatThrownBy(() -> paused.join())
                .hasCauseInstanceOf(IdempotencyLeaseLostException.class)
                .cause().hasMessageContaining("order-3").hasMessageContaining("was not saved");
        assertThat(slow.charges).hasValue(1);
        assertThat((String) weaver.call(orders, "slowPlace", "order-3")).isEqualTo("res-1/ch-1");
        assertThat(idem.audit().history(Orders.class.getName() + "#slowPlace:order-3"))
                .extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED, AuditEvent.STEP_SAVED,
                        AuditEvent.TAKEN_OVER, AuditEvent.STEP_SAVED, AuditEvent.COMPLETED);
    }

    @Test
    void anOwnerWhoseLeaseRanOutCannotStoreItsResult() throws Exception {
        Orders slow = new Orders();
        slow.gate = new CountDownLatch(1);
        CompletableFuture<String> paused = CompletableFuture.supplyAsync(() -> weaver.call(slow, "slowPlace", "order-4"), callers);
        assertThat(slow.entered.await(10, TimeUnit.SECONDS)).isTrue();
        storeClock.advance(Duration.ofSeconds(11));
        String key = Orders.class.getName() + "#slowPlace:order-4";
        ClaimResult takeover = store.claim(new ClaimRequest(key, null, Duration.ofMinutes(1), "node-b", null));
        assertThat(takeover).isInstanceOf(ClaimResult.Claimed.class);

        slow.gate.countDown();

        assertThatThrownBy(() -> paused.join())
                .hasCauseInstanceOf(IdempotencyLeaseLostException.class);
        assertThat(store.find(key).orElseThrow().owner()).isEqualTo("node-b");
    }

    @Test
    void aRunningCallRenewsItsLeaseSoItIsNeverTakenOver() throws Exception {
        InMemoryStore realTime = new InMemoryStore();
        try (Idem renewing = Idem.builder().store(realTime).node("node-a").build()) {
            Orders running = new Orders();
            running.gate = new CountDownLatch(1);
            ReflectiveWeaver renewingWeaver = new ReflectiveWeaver(renewing);
            CompletableFuture<String> call = CompletableFuture.supplyAsync(
                    () -> renewingWeaver.call(running, "longCall", "order-5"), callers);
            assertThat(running.entered.await(10, TimeUnit.SECONDS)).isTrue();
            String key = Orders.class.getName() + "#longCall:order-5";
            Set<Instant> leaseEnds = new HashSet<>();

            await().atMost(10, TimeUnit.SECONDS).until(() -> {
                leaseEnds.add(realTime.find(key).orElseThrow().leaseUntil());
                return leaseEnds.size() >= 5;
            });

            assertThat(realTime.claim(new ClaimRequest(key, null, Duration.ofSeconds(1), "node-b", null)))
                    .isInstanceOf(ClaimResult.InProgress.class);
            running.gate.countDown();
            assertThat(call.get(10, TimeUnit.SECONDS)).isEqualTo("done");
        }
    }
}
