package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.idem.annotation.IdempotencyDeferredException;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Jitter;
import dev.idem.annotation.Retryable;
import dev.idem.annotation.Steps;
import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.store.ErrorInfo;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.InMemoryStore;
import dev.idem.store.RecordState;
import dev.idem.testing.MutableClock;
import dev.idem.testing.ReflectiveWeaver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Deferred calls are run again by workers, under the job's claim, until they complete or are dead. */
class DeferredWorkerTest {

    public record Payout(String id, long cents) {
    }

    /** The application; the gateway is down until the test brings it back. */
    public static class Payouts {
        static final AtomicBoolean GATEWAY_UP = new AtomicBoolean();
        static final Map<String, AtomicInteger> SENT = new ConcurrentHashMap<>();
        static final AtomicInteger RESERVED = new AtomicInteger();
        /** When set, the first call that reaches the gateway records its id here and waits for the latch. */
        static final AtomicReference<CountDownLatch> HOLD = new AtomicReference<>();
        static final AtomicReference<String> HELD = new AtomicReference<>();

        @Idempotent(key = "#payout.id")
        @Retryable(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE, defer = true, deferMaxAttempts = 3,
                deferDelay = "1m", deferMaxDelay = "1h")
        public String send(Payout payout) {
            String reservation = Steps.run("reserve", String.class, () -> "res-" + RESERVED.incrementAndGet());
            if (!GATEWAY_UP.get()) {
                throw new IllegalStateException("gateway down");
            }
            CountDownLatch hold = HOLD.get();
            if (hold != null && HELD.compareAndSet(null, payout.id())) {
                try {
                    hold.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            SENT.computeIfAbsent(payout.id(), id -> new AtomicInteger()).incrementAndGet();
            return reservation + ":" + payout.id();
        }
    }

    /** No no-argument constructor, never registered: its jobs have no target. */
    public static class Orphan {
        Orphan(int unused) {
        }

        @Retryable(maxAttempts = 1, defer = true)
        public void work(String id) {
            throw new IllegalStateException("down");
        }
    }

    /** Down until the test brings it up; then every call waits at the gate, counted, until the test opens it. */
    public static class Transfers {
        static final AtomicBoolean UP = new AtomicBoolean();
        static final AtomicInteger INSIDE = new AtomicInteger();
        static final AtomicInteger MOST_INSIDE = new AtomicInteger();
        static final AtomicReference<CountDownLatch> GATE = new AtomicReference<>(new CountDownLatch(1));

        @Retryable(maxAttempts = 1, defer = true)
        public void transfer(String id) throws InterruptedException {
            if (!UP.get()) {
                throw new IllegalStateException("bank down");
            }
            MOST_INSIDE.accumulateAndGet(INSIDE.incrementAndGet(), Math::max);
            try {
                GATE.get().await();
            } finally {
                INSIDE.decrementAndGet();
            }
        }
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
    private final InMemoryStore store = new InMemoryStore(clock);
    private final Idem idem = Idem.builder().store(store).node("worker-a").build();
    private final ReflectiveWeaver weaver = new ReflectiveWeaver(idem);

    @AfterEach
    void reset() {
        idem.close();
        Payouts.GATEWAY_UP.set(false);
        Payouts.HOLD.set(null);
        Payouts.HELD.set(null);
        Payouts.SENT.clear();
        Payouts.RESERVED.set(0);
        Transfers.GATE.getAndSet(new CountDownLatch(1)).countDown();
        Transfers.UP.set(false);
        Transfers.INSIDE.set(0);
        Transfers.MOST_INSIDE.set(0);
    }

    private String key(String id) {
        return Payouts.class.getName() + "#send:" + id;
    }

    /** Calls {@code method} while its dependency is down: the call is deferred. */
    private void deferred(Object target, String method, Object argument) {
        assertThatThrownBy(() -> weaver.call(target, method, argument)).isInstanceOf(IdempotencyDeferredException.class);
    }

    private DeferredWorker worker(Idem engine) {
        return DeferredWorker.builder(engine).build();
    }

    @Test
    void aDeferredCallRunsAgainWhenDueResumesAfterItsStepsAndCompletesOnce() {
        deferred(new Payouts(), "send", new Payout("p1", 500));
        assertThat(worker(idem).runDue()).isZero();

        Payouts.GATEWAY_UP.set(true);
        clock.advance(Duration.ofHours(2));
        assertThat(worker(idem).runDue()).isEqualTo(1);

        IdempotencyRecord record = store.find(key("p1")).orElseThrow();
        assertThat(record.state()).isEqualTo(RecordState.COMPLETED);
        assertThat(Payouts.SENT.get("p1")).hasValue(1);
        assertThat(Payouts.RESERVED).hasValue(1);
        assertThat((String) weaver.call(new Payouts(), "send", new Payout("p1", 500))).isEqualTo("res-1:p1");
        assertThat(store.history(key("p1"))).extracting(AuditEntry::event).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.STEP_SAVED, AuditEvent.SCHEDULED, AuditEvent.RESUMED, AuditEvent.COMPLETED);
        assertThat(store.history(key("p1")).get(3).node()).isEqualTo("worker-a");
    }

    @Test
    void aJobThatKeepsFailingIsScheduledWithBackoffThenDeadAndARequeuedOneCompletes() {
        deferred(new Payouts(), "send", new Payout("p2", 1));
        Instant firstDue = store.find(key("p2")).orElseThrow().nextAttemptAt();
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofHours(2));
            assertThat(worker(idem).runDue()).isEqualTo(1);
        }
        IdempotencyRecord dead = store.find(key("p2")).orElseThrow();
        assertThat(dead.state()).isEqualTo(RecordState.DEAD);
        assertThat(dead.error().message()).isEqualTo("gateway down");
        assertThat(firstDue).isBetween(Instant.parse("2026-06-01T00:00:30Z"), Instant.parse("2026-06-01T00:01:00Z"));

        Payouts.GATEWAY_UP.set(true);
        idem.audit().requeue(key("p2"));
        assertThat(worker(idem).runDue()).isEqualTo(1);
        assertThat(store.find(key("p2")).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
        assertThat(Payouts.SENT.get("p2")).hasValue(1);
    }

    @Test
    void aPoisonJobGoesDeadWithItsReasonWhileTheOthersComplete() {
        for (String id : List.of("ok-1", "ok-2")) {
            deferred(new Payouts(), "send", new Payout(id, 1));
        }
        String poison = Payouts.class.getName() + "#send:poison";
        long token = ((ClaimResult.Claimed) store.claim(new ClaimRequest(poison, null, Duration.ofMinutes(1), "n", null)))
                .token();
        store.fail(new Failure(poison, token, new FailureOutcome.Schedule(Duration.ZERO,
                (Payouts.class.getName() + "#send(" + Payout.class.getName() + ")\n[{\"id\": [\"not a string\"]}]")
                        .getBytes(StandardCharsets.UTF_8)), new ErrorInfo("x", "y"), Duration.ZERO, "n"));
        String missing = "gone:job";
        token = ((ClaimResult.Claimed) store.claim(new ClaimRequest(missing, null, Duration.ofMinutes(1), "n", null))).token();
        store.fail(new Failure(missing, token, new FailureOutcome.Schedule(Duration.ZERO,
                "com.example.Gone#run()\n[]".getBytes(StandardCharsets.UTF_8)), new ErrorInfo("x", "y"), Duration.ZERO, "n"));

        Payouts.GATEWAY_UP.set(true);
        clock.advance(Duration.ofHours(2));
        assertThat(worker(idem).runDue()).isEqualTo(4);

        assertThat(store.find(key("ok-1")).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
        assertThat(store.find(key("ok-2")).orElseThrow().state()).isEqualTo(RecordState.COMPLETED);
        IdempotencyRecord poisoned = store.find(poison).orElseThrow();
        assertThat(poisoned.state()).isEqualTo(RecordState.DEAD);
        assertThat(poisoned.error().message()).contains("cannot be run again").contains("Payout");
        assertThat(store.find(missing).orElseThrow().error().message()).contains("com.example.Gone cannot be found");
    }

    @Test
    void aJobWithoutATargetGoesDeadSayingHowToRegisterOne() {
        deferred(new Orphan(0), "work", "o1");
        clock.advance(Duration.ofHours(2));

        assertThat(worker(idem).runDue()).isEqualTo(1);

        IdempotencyRecord dead = store.list(dev.idem.store.RecordQuery.byState(RecordState.DEAD, 10)).get(0);
        assertThat(dead.key()).startsWith(Orphan.class.getName() + "#work:");
        assertThat(dead.error().message()).contains("no target").contains("no-argument constructor");
    }

    @Test
    void twoWorkersOnOneStoreRunEveryJobOnce() throws Exception {
        for (int i = 0; i < 40; i++) {
            String id = "many-" + i;
            deferred(new Payouts(), "send", new Payout(id, 1));
        }
        Payouts.GATEWAY_UP.set(true);
        clock.advance(Duration.ofHours(2));
        try (Idem other = Idem.builder().store(store).node("worker-b").build();
             DeferredWorker first = DeferredWorker.builder(idem).threads(3).batchSize(4).pollInterval(Duration.ofMillis(5)).build();
             DeferredWorker second = DeferredWorker.builder(other).threads(3).batchSize(4).pollInterval(Duration.ofMillis(5)).build()) {
            first.start();
            second.start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> store.countByState().getOrDefault(RecordState.COMPLETED, 0L) == 40);
        }
        assertThat(Payouts.SENT).hasSize(40);
        assertThat(Payouts.SENT.values()).allSatisfy(count -> assertThat(count).hasValue(1));
        assertThat(store.list(dev.idem.store.RecordQuery.byState(RecordState.COMPLETED, 100)))
                .allSatisfy(record -> assertThat(store.history(record.key())).extracting(AuditEntry::event)
                        .containsOnlyOnce(AuditEvent.RESUMED, AuditEvent.COMPLETED));
    }

    @Test
    void aBacklogDrainsAtTheSpeedOfTheThreadsWithoutWaitingThePollInterval() {
        for (int i = 0; i < 60; i++) {
            String id = "backlog-" + i;
            deferred(new Payouts(), "send", new Payout(id, 1));
        }
        Payouts.GATEWAY_UP.set(true);
        clock.advance(Duration.ofHours(2));
        try (DeferredWorker worker = DeferredWorker.builder(idem).threads(2).batchSize(10)
                .pollInterval(Duration.ofHours(1)).build()) {
            worker.start();
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> store.countByState().getOrDefault(RecordState.COMPLETED, 0L) == 60);
        }
        assertThat(Payouts.SENT).hasSize(60);
        assertThat(Payouts.SENT.values()).allSatisfy(count -> assertThat(count).hasValue(1));
    }

    @Test
    void aJobWhoseLeaseRanOutWhileItWaitedForAThreadIsNotRunOnTheLostClaim() {
        for (String id : List.of("first", "second")) {
            deferred(new Payouts(), "send", new Payout(id, 1));
        }
        Payouts.GATEWAY_UP.set(true);
        CountDownLatch hold = new CountDownLatch(1);
        Payouts.HOLD.set(hold);
        clock.advance(Duration.ofHours(2));
        try (DeferredWorker worker = DeferredWorker.builder(idem).threads(1).batchSize(2).lease(Duration.ofMillis(30))
                .pollInterval(Duration.ofHours(1)).build()) {
            worker.start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> Payouts.HELD.get() != null);
            String queued = Payouts.HELD.get().equals("first") ? "second" : "first";
            assertThat(store.find(key(queued)).orElseThrow().state()).as("claimed, waiting for the only thread")
                    .isEqualTo(RecordState.IN_PROGRESS);

            clock.advance(Duration.ofMinutes(1));
            assertThat((String) weaver.call(new Payouts(), "send", new Payout(queued, 1)))
                    .as("a duplicate takes the expired claim over and completes").endsWith(":" + queued);
            hold.countDown();

            await().during(500, TimeUnit.MILLISECONDS).atMost(5, TimeUnit.SECONDS)
                    .until(() -> Payouts.SENT.get(queued).get() == 1);
        }
    }

    @Test
    void atMostThreadsJobsRunAtOnceWhileTheOtherClaimedJobsWaitForATurn() {
        for (int i = 0; i < 10; i++) {
            String id = "transfer-" + i;
            deferred(new Transfers(), "transfer", id);
        }
        Transfers.UP.set(true);
        clock.advance(Duration.ofHours(2));
        try (DeferredWorker worker = DeferredWorker.builder(idem).threads(2).batchSize(8)
                .pollInterval(Duration.ofHours(1)).build()) {
            worker.start();
            await().atMost(30, TimeUnit.SECONDS).until(() -> Transfers.INSIDE.get() == 2
                    && store.countByState().getOrDefault(RecordState.IN_PROGRESS, 0L) > 2);
            await().during(300, TimeUnit.MILLISECONDS).atMost(5, TimeUnit.SECONDS)
                    .until(() -> Transfers.INSIDE.get() == 2);
            Transfers.GATE.get().countDown();
            await().atMost(30, TimeUnit.SECONDS)
                    .until(() -> store.countByState().getOrDefault(RecordState.COMPLETED, 0L) == 10);
        }
        assertThat(Transfers.MOST_INSIDE).as("jobs inside their body at once, with 2 threads").hasValue(2);
    }
}
