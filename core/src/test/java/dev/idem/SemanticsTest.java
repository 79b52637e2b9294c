package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.idem.annotation.IdempotencyDeadException;
import dev.idem.annotation.IdempotencyDeferredException;
import dev.idem.annotation.IdempotencyInProgressException;
import dev.idem.annotation.IdempotencyKey;
import dev.idem.annotation.IdempotencyKeyException;
import dev.idem.annotation.IdempotencyKeyMismatchException;
import dev.idem.annotation.IdempotencyReplayedFailureException;
import dev.idem.annotation.IdempotencySerializationException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.InProgress;
import dev.idem.annotation.Jitter;
import dev.idem.annotation.OnFailure;
import dev.idem.annotation.Retryable;
import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.InMemoryStore;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import dev.idem.testing.FlakyStore;
import dev.idem.testing.MutableClock;
import dev.idem.testing.ReflectiveWeaver;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every rule of docs/semantics.md, with the exception a caller sees. */
class SemanticsTest {

    record PaymentEvent(String id, long amount, String currency) {
    }

    record Receipt(String eventId, long amount, int run) {
    }

    /** A checked failure the application declares; remembered failures of it replay as themselves. */
    static final class CardDeclinedException extends Exception {
        private static final long serialVersionUID = 1L;

        public CardDeclinedException(String message) {
            super(message);
        }
    }

    static final class GatewayTimeoutException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        GatewayTimeoutException(String message) {
            super(message);
        }
    }

    /** The application under test: each method counts how often its body ran. */
    static class Payments {
        final AtomicInteger runs = new AtomicInteger();
        final AtomicInteger failuresLeft = new AtomicInteger();
        volatile CountDownLatch gate;
        volatile CountDownLatch entered = new CountDownLatch(1);

        @Idempotent(key = "#event.id")
        public Receipt charge(PaymentEvent event) {
            return new Receipt(event.id(), event.amount(), runs.incrementAndGet());
        }

        @Idempotent(key = "#event.id")
        public Receipt slowCharge(PaymentEvent event) throws InterruptedException {
            entered.countDown();
            gate.await(10, TimeUnit.SECONDS);
            return new Receipt(event.id(), event.amount(), runs.incrementAndGet());
        }

        @Idempotent(key = "#event.id", onInProgress = InProgress.REJECT)
        public Receipt rejectingCharge(PaymentEvent event) throws InterruptedException {
            return slowCharge(event);
        }

        @Idempotent(key = "#event.id", waitTimeout = "100ms")
        public Receipt impatientCharge(PaymentEvent event) throws InterruptedException {
            return slowCharge(event);
        }

        @Idempotent(key = "#id")
        public String nothing(String id) {
            runs.incrementAndGet();
            return null;
        }

        @Idempotent(key = "#id")
        public int count(String id) {
            return runs.incrementAndGet();
        }

        @Idempotent(key = "#id")
        public void notify(String id) {
            runs.incrementAndGet();
        }

        @Idempotent(key = "#id")
        public List<Receipt> receipts(String id) {
            int run = runs.incrementAndGet();
            return List.of(new Receipt(id, 1, run), new Receipt(id, 2, run));
        }

        @Idempotent(key = "#event.id", fingerprintParameters = "event")
        public Receipt chargeAt(PaymentEvent event, Instant receivedAt) {
            return charge(event);
        }

        @Idempotent(key = "#event.id", fingerprint = false)
        public Receipt chargeUnchecked(PaymentEvent event) {
            return charge(event);
        }

        @Idempotent(key = "#event.id")
        public Receipt failingCharge(PaymentEvent event) {
            runs.incrementAndGet();
            if (failuresLeft.getAndDecrement() > 0) {
                throw new GatewayTimeoutException("gateway timed out");
            }
            return new Receipt(event.id(), event.amount(), runs.get());
        }

        @Idempotent(key = "#event.id", onFailure = OnFailure.REMEMBER, rememberOn = CardDeclinedException.class)
        public Receipt declinable(PaymentEvent event) throws CardDeclinedException {
            runs.incrementAndGet();
            if (event.amount() > 1000) {
                throw new CardDeclinedException("insufficient funds for " + event.amount());
            }
            throw new GatewayTimeoutException("gateway timed out");
        }

        @Idempotent(key = "#event.id", onFailure = OnFailure.REMEMBER)
        public Receipt rememberEverything(PaymentEvent event) {
            runs.incrementAndGet();
            throw new IllegalStateException("ledger closed");
        }

        @Idempotent(key = "#event.id", onFailure = OnFailure.REMEMBER)
        public Receipt vaguelyDeclared(PaymentEvent event) throws Exception {
            runs.incrementAndGet();
            throw new CardDeclinedException("insufficient funds");
        }

        @Idempotent(key = "#event.id", failOpen = true)
        public Receipt lowValue(PaymentEvent event) {
            return charge(event);
        }

        @Idempotent
        public String byParameter(@IdempotencyKey String requestId, String body) {
            return body + "#" + runs.incrementAndGet();
        }

        @Idempotent
        public String byWellKnownHeader(Map<String, String> headers, String body) {
            return body + "#" + runs.incrementAndGet();
        }

        @Idempotent
        public String byPayloadHash(Map<String, Object> payload) {
            return "run " + runs.incrementAndGet();
        }

        @Idempotent(key = "#event.id", name = "payments")
        public Receipt first(PaymentEvent event) {
            return charge(event);
        }

        @Idempotent(key = "#event.id", name = "payments")
        public Receipt second(PaymentEvent event) {
            return charge(event);
        }

        @Idempotent(key = "#event.id")
        @Retryable(maxAttempts = 3, delay = "1ms", jitter = Jitter.NONE)
        public Receipt retriedCharge(PaymentEvent event) {
            return failingCharge(event);
        }

        @Idempotent(key = "#event.id")
        @Retryable(maxAttempts = 2, delay = "1ms", jitter = Jitter.NONE, defer = true, deferMaxAttempts = 1,
                deferDelay = "1m")
        public Receipt deferredCharge(PaymentEvent event) {
            return failingCharge(event);
        }

        @Idempotent(key = "#id")
        public String huge(String id) {
            runs.incrementAndGet();
            return "x".repeat(2 * JsonCodec.DEFAULT_MAX_BYTES);
        }
    }

    private final MutableClock storeClock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    private final InMemoryStore memory = new InMemoryStore(storeClock);
    private final FlakyStore store = new FlakyStore(memory);
    private final Idem idem = Idem.builder().store(store).node("test-node").build();
    private final ReflectiveWeaver weaver = new ReflectiveWeaver(idem);
    private final Payments payments = new Payments();

    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void close() {
        callers.shutdownNow();
        idem.close();
    }

    private static PaymentEvent event(String id, long amount) {
        return new PaymentEvent(id, amount, "EUR");
    }

    private String fullKey(String method, String key) {
        return Payments.class.getName() + "#" + method + ":" + key;
    }

    private List<AuditEvent> history(String fullKey) {
        return idem.audit().history(fullKey).stream().map(AuditEntry::event).toList();
    }

    @Test
    void theSecondDeliveryDoesNotRunTheBodyAndGetsTheFirstResult() {
        Receipt first = weaver.call(payments, "charge", event("evt_1", 500));
        Receipt second = weaver.call(payments, "charge", event("evt_1", 500));

        assertThat(second).isEqualTo(first).isEqualTo(new Receipt("evt_1", 500, 1));
        assertThat(payments.runs).hasValue(1);
        assertThat(history(fullKey("charge", "evt_1"))).containsExactly(AuditEvent.CLAIMED, AuditEvent.COMPLETED);
    }

    @Test
    void aFirstCallCostsTwoStoreRoundTripsAndADuplicateOne() {
        weaver.call(payments, "charge", event("evt_rt", 500));
        int first = store.roundTrips();
        weaver.call(payments, "charge", event("evt_rt", 500));

        assertThat(first).isEqualTo(2);
        assertThat(store.roundTrips() - first).isEqualTo(1);
    }

    @Test
    void nullPrimitiveVoidAndGenericResultsReplayAsTheyWere() {
        assertThat((String) weaver.call(payments, "nothing", "n")).isNull();
        assertThat((String) weaver.call(payments, "nothing", "n")).isNull();
        assertThat((Integer) weaver.call(payments, "count", "c")).isEqualTo(2);
        assertThat((Integer) weaver.call(payments, "count", "c")).isEqualTo(2);
        weaver.call(payments, "notify", "v");
        weaver.call(payments, "notify", "v");
        List<Receipt> receipts = weaver.call(payments, "receipts", "r");
        List<Receipt> replayed = weaver.call(payments, "receipts", "r");

        assertThat(payments.runs).hasValue(4);
        assertThat(replayed).isEqualTo(receipts).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOf(Receipt.class));
    }

    @Test
    void aDuplicateWhileTheFirstRunsWaitsAndGetsItsResult() throws Exception {
        payments.gate = new CountDownLatch(1);
        CompletableFuture<Receipt> first = CompletableFuture.supplyAsync(
                () -> weaver.call(payments, "slowCharge", event("evt_w", 10)), callers);
        assertThat(payments.entered.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<Receipt> duplicate = CompletableFuture.supplyAsync(
                () -> weaver.call(payments, "slowCharge", event("evt_w", 10)), callers);

        await().atMost(10, TimeUnit.SECONDS).until(() -> store.roundTrips() >= 3);
        assertThat(duplicate).isNotDone();
        payments.gate.countDown();

        assertThat(duplicate.get(10, TimeUnit.SECONDS)).isEqualTo(first.get(10, TimeUnit.SECONDS));
        assertThat(payments.runs).hasValue(1);
    }

    @Test
    void aDuplicateWhileTheFirstRunsIsRejectedAtOnceWithReject() throws Exception {
        payments.gate = new CountDownLatch(1);
        CompletableFuture<Receipt> first = CompletableFuture.supplyAsync(
                () -> weaver.call(payments, "rejectingCharge", event("evt_r", 10)), callers);
        assertThat(payments.entered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> weaver.call(payments, "rejectingCharge", event("evt_r", 10)))
                .isInstanceOf(IdempotencyInProgressException.class)
                .hasMessageContaining("rejectingCharge")
                .hasMessageContaining("evt_r")
                .satisfies(e -> assertThat(((IdempotencyInProgressException) e).leaseUntil())
                        .isEqualTo(storeClock.instant().plusSeconds(30)));
        payments.gate.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS).run()).isEqualTo(1);
    }

    @Test
    void aWaitingDuplicateGivesUpAfterItsWaitTimeout() throws Exception {
        payments.gate = new CountDownLatch(1);
        CompletableFuture<Receipt> first = CompletableFuture.supplyAsync(
                () -> weaver.call(payments, "impatientCharge", event("evt_t", 10)), callers);
        assertThat(payments.entered.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> weaver.call(payments, "impatientCharge", event("evt_t", 10)))
                .isInstanceOf(IdempotencyInProgressException.class)
                .hasMessageContaining("after waiting 100 ms");
        payments.gate.countDown();
        first.get(10, TimeUnit.SECONDS);
        assertThat(payments.runs).hasValue(1);
    }

    @Test
    void theSameKeyWithAnotherPayloadIsRefused() {
        weaver.call(payments, "charge", event("evt_m", 100));

        assertThatThrownBy(() -> weaver.call(payments, "charge", event("evt_m", 999)))
                .isInstanceOf(IdempotencyKeyMismatchException.class)
                .hasMessageContaining("evt_m")
                .hasMessageContaining("other arguments");
        assertThat(payments.runs).hasValue(1);
    }

    @Test
    void onlyTheSelectedParametersMakeTheFingerprint() {
        Receipt first = weaver.call(payments, "chargeAt", event("evt_f", 100), Instant.parse("2026-01-01T00:00:00Z"));
        Receipt redelivered = weaver.call(payments, "chargeAt", event("evt_f", 100), Instant.parse("2026-01-01T00:05:00Z"));
        Receipt unchecked = weaver.call(payments, "chargeUnchecked", event("evt_u", 100));
        Receipt uncheckedOther = weaver.call(payments, "chargeUnchecked", event("evt_u", 555));

        assertThat(redelivered).isEqualTo(first);
        assertThat(uncheckedOther).isEqualTo(unchecked);
        assertThat(payments.runs).hasValue(2);
    }

    @Test
    void aFailureReleasesTheKeySoTheNextDeliveryRunsAgain() {
        payments.failuresLeft.set(1);

        assertThatThrownBy(() -> weaver.call(payments, "failingCharge", event("evt_rel", 10)))
                .isInstanceOf(GatewayTimeoutException.class).hasMessage("gateway timed out");
        Receipt second = weaver.call(payments, "failingCharge", event("evt_rel", 10));

        assertThat(second.run()).isEqualTo(2);
        assertThat(history(fullKey("failingCharge", "evt_rel"))).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.RELEASED, AuditEvent.CLAIMED, AuditEvent.COMPLETED);
    }

    @Test
    void aRememberedFailureIsReplayedAsTheSameExceptionWithoutRunning() {
        assertThatThrownBy(() -> weaver.call(payments, "declinable", event("evt_d", 5000)))
                .isInstanceOf(CardDeclinedException.class).hasMessage("insufficient funds for 5000");
        assertThatThrownBy(() -> weaver.call(payments, "declinable", event("evt_d", 5000)))
                .isInstanceOf(CardDeclinedException.class)
                .hasMessage("insufficient funds for 5000")
                .satisfies(e -> assertThat(e.getSuppressed()).hasOnlyElementsOfType(
                        IdempotencyReplayedFailureException.class));
        assertThat(payments.runs).hasValue(1);
        assertThat(memory.find(fullKey("declinable", "evt_d")).orElseThrow().state()).isEqualTo(RecordState.FAILED);
    }

    @Test
    void failuresOutsideRememberOnAreReleased() {
        assertThatThrownBy(() -> weaver.call(payments, "declinable", event("evt_o", 10)))
                .isInstanceOf(GatewayTimeoutException.class);
        assertThatThrownBy(() -> weaver.call(payments, "declinable", event("evt_o", 10)))
                .isInstanceOf(GatewayTimeoutException.class);
        assertThat(payments.runs).hasValue(2);
    }

    @Test
    void aRememberedFailureOfAnUndeclaredTypeReplaysAsReplayedFailure() {
        assertThatThrownBy(() -> weaver.call(payments, "rememberEverything", event("evt_e", 10)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> weaver.call(payments, "rememberEverything", event("evt_e", 10)))
                .isInstanceOf(IdempotencyReplayedFailureException.class)
                .satisfies(e -> {
                    IdempotencyReplayedFailureException replay = (IdempotencyReplayedFailureException) e;
                    assertThat(replay.originalType()).isEqualTo(IllegalStateException.class.getName());
                    assertThat(replay.originalMessage()).isEqualTo("ledger closed");
                });
        assertThat(payments.runs).hasValue(1);
    }

    @Test
    void aThrowsExceptionClauseTrustsNoTypeForRebuilding() {
        assertThatThrownBy(() -> weaver.call(payments, "vaguelyDeclared", event("evt_v", 10)))
                .isInstanceOf(CardDeclinedException.class);
        assertThatThrownBy(() -> weaver.call(payments, "vaguelyDeclared", event("evt_v", 10)))
                .isInstanceOf(IdempotencyReplayedFailureException.class)
                .hasMessageContaining(CardDeclinedException.class.getName());
        assertThat(payments.runs).hasValue(1);
    }

    @Test
    void whenTheStoreIsDownTheBodyDoesNotRun() {
        store.down(true);

        assertThatThrownBy(() -> weaver.call(payments, "charge", event("evt_down", 10)))
                .isInstanceOf(IdempotencyStoreUnavailableException.class)
                .hasMessageContaining("fail closed")
                .hasMessageContaining("charge");
        assertThat(payments.runs).hasValue(0);

        store.down(false);
        assertThat(((Receipt) weaver.call(payments, "charge", event("evt_down", 10))).run()).isEqualTo(1);
    }

    @Test
    void aCompletionWhoseAnswerWasLostCountsAsRecordedWhenTheRecordShowsIt() {
        store.loseNextAnswer();

        Receipt first = weaver.call(payments, "charge", event("evt_lost", 10));
        Receipt replay = weaver.call(payments, "charge", event("evt_lost", 10));

        assertThat(replay).isEqualTo(first);
        assertThat(payments.runs).hasValue(1);
        assertThat(history(fullKey("charge", "evt_lost"))).containsExactly(AuditEvent.CLAIMED, AuditEvent.COMPLETED);
    }

    @Test
    void aFailOpenMethodRunsWithoutDeduplicationWhileTheStoreIsDown() {
        store.down(true);
        weaver.call(payments, "lowValue", event("evt_open", 10));
        weaver.call(payments, "lowValue", event("evt_open", 10));
        store.down(false);

        assertThat(payments.runs).hasValue(2);
        assertThat(memory.find(fullKey("lowValue", "evt_open"))).isEmpty();
    }

    @Test
    void aMissingKeyIsRefusedBeforeAnythingRuns() {
        assertThatThrownBy(() -> weaver.call(payments, "charge", new PaymentEvent(null, 10, "EUR")))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("Payments#charge(PaymentEvent)")
                .hasMessageContaining("#event.id")
                .hasMessageContaining("null");
        assertThatThrownBy(() -> weaver.call(payments, "charge", new PaymentEvent("  ", 10, "EUR")))
                .isInstanceOf(IdempotencyKeyException.class);
        assertThat(payments.runs).hasValue(0);
        assertThat(store.roundTrips()).isZero();
    }

    @Test
    void keysComeFromAnAnnotatedParameterAWellKnownHeaderOrThePayloadHash() {
        assertThat((String) weaver.call(payments, "byParameter", "req-1", "a")).isEqualTo("a#1");
        assertThat((String) weaver.call(payments, "byParameter", "req-1", "a")).isEqualTo("a#1");

        Map<String, String> headers = Map.of("Idempotency-Key", "idem-42", "Content-Type", "application/json");
        assertThat((String) weaver.call(payments, "byWellKnownHeader", headers, "b")).isEqualTo("b#2");
        assertThat((String) weaver.call(payments, "byWellKnownHeader", headers, "b")).isEqualTo("b#2");
        assertThat(memory.find(fullKey("byWellKnownHeader", "idem-42"))).isPresent();

        assertThat((String) weaver.call(payments, "byPayloadHash", Map.of("amount", 1, "to", "x"))).isEqualTo("run 3");
        assertThat((String) weaver.call(payments, "byPayloadHash", Map.of("to", "x", "amount", 1))).isEqualTo("run 3");
        assertThat((String) weaver.call(payments, "byPayloadHash", Map.of("amount", 2, "to", "x"))).isEqualTo("run 4");
    }

    @Test
    void methodsWithTheSameNameShareTheirKeys() {
        Receipt first = weaver.call(payments, "first", event("evt_shared", 10));
        Receipt second = weaver.call(payments, "second", event("evt_shared", 10));

        assertThat(second).isEqualTo(first);
        assertThat(payments.runs).hasValue(1);
        assertThat(memory.find("payments:evt_shared")).isPresent();
    }

    @Test
    void retriesHappenInsideOneClaimAndOnlyTheFinalOutcomeIsStored() {
        payments.failuresLeft.set(2);

        Receipt receipt = weaver.call(payments, "retriedCharge", event("evt_retry", 10));

        assertThat(receipt.run()).isEqualTo(3);
        assertThat(history(fullKey("retriedCharge", "evt_retry"))).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.COMPLETED);
        assertThat((Receipt) weaver.call(payments, "retriedCharge", event("evt_retry", 10))).isEqualTo(receipt);
        assertThat(payments.runs).hasValue(3);
    }

    @Test
    void exhaustedRetriesReleaseTheKeyWithTheLastFailure() {
        payments.failuresLeft.set(3);

        assertThatThrownBy(() -> weaver.call(payments, "retriedCharge", event("evt_exh", 10)))
                .isInstanceOf(GatewayTimeoutException.class);

        assertThat(payments.runs).hasValue(3);
        assertThat(history(fullKey("retriedCharge", "evt_exh"))).containsExactly(AuditEvent.CLAIMED,
                AuditEvent.RELEASED);
    }

    @Test
    void exhaustedRetriesOfADeferrableMethodAreAcceptedForLaterThenDead() {
        payments.failuresLeft.set(100);
        String key = fullKey("deferredCharge", "evt_later");

        assertThatThrownBy(() -> weaver.call(payments, "deferredCharge", event("evt_later", 10)))
                .isInstanceOf(IdempotencyDeferredException.class)
                .hasCauseInstanceOf(GatewayTimeoutException.class)
                .satisfies(e -> assertThat(((IdempotencyDeferredException) e).nextAttemptAt()).isNotNull());
        IdempotencyRecord scheduled = memory.find(key).orElseThrow();
        assertThat(scheduled.state()).isEqualTo(RecordState.SCHEDULED);
        assertThat(new String(scheduled.invocation(), StandardCharsets.UTF_8))
                .startsWith(Payments.class.getName() + "#deferredCharge(" + PaymentEvent.class.getName() + ")\n")
                .contains("\"evt_later\"");

        assertThatThrownBy(() -> weaver.call(payments, "deferredCharge", event("evt_later", 10)))
                .isInstanceOf(IdempotencyDeferredException.class)
                .hasNoCause();
        assertThat(payments.runs).hasValue(2);

        storeClock.advance(Duration.ofHours(2));
        assertThatThrownBy(() -> weaver.call(payments, "deferredCharge", event("evt_later", 10)))
                .isInstanceOf(IdempotencyDeadException.class)
                .hasCauseInstanceOf(GatewayTimeoutException.class);
        assertThatThrownBy(() -> weaver.call(payments, "deferredCharge", event("evt_later", 10)))
                .isInstanceOf(IdempotencyDeadException.class)
                .hasMessageContaining("requeue")
                .satisfies(e -> assertThat(((IdempotencyDeadException) e).lastErrorType())
                        .isEqualTo(GatewayTimeoutException.class.getName()));
        assertThat(history(key)).containsExactly(AuditEvent.CLAIMED, AuditEvent.SCHEDULED, AuditEvent.RESUMED,
                AuditEvent.DEAD);
    }

    @Test
    void aResultTooLargeToStoreFailsClearlyAndIsNotRunAgain() {
        assertThatThrownBy(() -> weaver.call(payments, "huge", "big"))
                .isInstanceOf(IdempotencySerializationException.class)
                .hasMessageContaining("Payments#huge(String)")
                .hasMessageContaining("more than the limit of " + JsonCodec.DEFAULT_MAX_BYTES);
        assertThatThrownBy(() -> weaver.call(payments, "huge", "big"))
                .isInstanceOf(IdempotencyReplayedFailureException.class)
                .hasMessageContaining(IdempotencySerializationException.class.getName());
        assertThat(payments.runs).hasValue(1);
    }

    @Test
    void operatorsFindListAndReadTheHistoryOfEveryKey() {
        weaver.call(payments, "charge", event("evt_a1", 1));
        weaver.call(payments, "charge", event("evt_a2", 2));
        payments.failuresLeft.set(1);
        assertThatThrownBy(() -> weaver.call(payments, "failingCharge", event("evt_a3", 3)))
                .isInstanceOf(GatewayTimeoutException.class);

        assertThat(idem.audit().find(Payments.class.getName() + "#charge", "evt_a1").orElseThrow().state())
                .isEqualTo(RecordState.COMPLETED);
        assertThat(idem.audit().list(new RecordQuery(RecordState.COMPLETED, null, null,
                Payments.class.getName() + "#charge:", 10))).hasSize(2);
        IdempotencyRecord released = idem.audit().find(fullKey("failingCharge", "evt_a3")).orElseThrow();
        assertThat(released.state()).isEqualTo(RecordState.RELEASED);
        assertThat(released.error().type()).isEqualTo(GatewayTimeoutException.class.getName());
        List<AuditEntry> history = idem.audit().history(fullKey("failingCharge", "evt_a3"));
        assertThat(history).extracting(AuditEntry::node).containsOnly("test-node");
        assertThat(history.get(1).elapsed()).isNotNull();
        assertThat(idem.audit().countByState()).containsEntry(RecordState.COMPLETED, 2L)
                .containsEntry(RecordState.RELEASED, 1L);
    }
}
