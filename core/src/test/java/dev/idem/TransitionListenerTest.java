package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Jitter;
import dev.idem.annotation.OnFailure;
import dev.idem.annotation.Retryable;
import dev.idem.annotation.Steps;
import dev.idem.store.AuditEntry;
import dev.idem.store.InMemoryStore;
import dev.idem.testing.MutableClock;
import dev.idem.testing.ReflectiveWeaver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Listeners see every transition the store recorded, in the same order, and nothing else. */
class TransitionListenerTest {

    static class Service {
        int failures;

        @Idempotent(key = "#id")
        public String stepped(String id) {
            String a = Steps.run("a", String.class, () -> "A");
            if (failures-- > 0) {
                throw new IllegalStateException("down");
            }
            return a + Steps.run("b", String.class, () -> "B");
        }

        @Idempotent(key = "#id", onFailure = OnFailure.REMEMBER)
        public String remembered(String id) {
            throw new IllegalArgumentException("declined");
        }

        @Idempotent(key = "#id")
        @Retryable(maxAttempts = 1, jitter = Jitter.NONE, defer = true, deferMaxAttempts = 1, deferDelay = "1m")
        public String deferred(String id) {
            throw new IllegalStateException("gateway down");
        }
    }

    private final MutableClock clock = new MutableClock(Instant.parse("2026-05-01T00:00:00Z"));
    private final InMemoryStore store = new InMemoryStore(clock);
    private final Map<String, List<Transition>> seen = new ConcurrentHashMap<>();
    private final Idem idem = Idem.builder().store(store).node("n1")
            .listener(t -> seen.computeIfAbsent(t.key(), k -> new CopyOnWriteArrayList<>()).add(t))
            .listener(t -> {
                throw new IllegalStateException("a broken listener never reaches the caller");
            })
            .build();
    private final ReflectiveWeaver weaver = new ReflectiveWeaver(idem);
    private final Service service = new Service();

    @AfterEach
    void close() {
        idem.close();
    }

    private void assertSameAsTheStore(String key) {
        List<AuditEntry> history = store.history(key);
        List<Transition> transitions = seen.get(key);
        assertThat(transitions).extracting(Transition::event).containsExactlyElementsOf(
                history.stream().map(AuditEntry::event).toList());
        assertThat(transitions).extracting(Transition::state).containsExactlyElementsOf(
                history.stream().map(AuditEntry::state).toList());
        assertThat(transitions).extracting(Transition::token).containsExactlyElementsOf(
                history.stream().map(AuditEntry::token).toList());
        assertThat(transitions).extracting(Transition::detail).containsExactlyElementsOf(
                history.stream().map(AuditEntry::detail).toList());
        assertThat(transitions).allSatisfy(t -> assertThat(t.node()).isEqualTo("n1"));
    }

    @Test
    void stepsReleaseAndCompletionAreSeenAsTheStoreRecordedThem() {
        service.failures = 1;
        assertThatThrownBy(() -> weaver.call(service, "stepped", "k1")).isInstanceOf(IllegalStateException.class);
        assertThat((String) weaver.call(service, "stepped", "k1")).isEqualTo("AB");
        weaver.call(service, "stepped", "k1");

        assertSameAsTheStore(Service.class.getName() + "#stepped:k1");
        assertThat(seen.get(Service.class.getName() + "#stepped:k1").get(2).error().message()).isEqualTo("down");
    }

    @Test
    void rememberedFailuresDeferralDeathAndOperatorActionsAreSeen() {
        assertThatThrownBy(() -> weaver.call(service, "remembered", "k2")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> weaver.call(service, "remembered", "k2"))
                .isInstanceOf(dev.idem.annotation.IdempotencyReplayedFailureException.class);
        assertThatThrownBy(() -> weaver.call(service, "deferred", "k3")).isInstanceOf(
                dev.idem.annotation.IdempotencyDeferredException.class);
        clock.advance(Duration.ofHours(2));
        assertThatThrownBy(() -> weaver.call(service, "deferred", "k3")).isInstanceOf(
                dev.idem.annotation.IdempotencyDeadException.class);
        String dead = Service.class.getName() + "#deferred:k3";
        idem.audit().requeue(dead);
        idem.audit().cancel(dead);

        assertSameAsTheStore(Service.class.getName() + "#remembered:k2");
        assertThat(seen.get(dead)).extracting(Transition::event).containsExactly(
                dev.idem.store.AuditEvent.CLAIMED, dev.idem.store.AuditEvent.SCHEDULED, dev.idem.store.AuditEvent.RESUMED,
                dev.idem.store.AuditEvent.DEAD, dev.idem.store.AuditEvent.REQUEUED, dev.idem.store.AuditEvent.CANCELLED);
        assertThat(store.history(dead)).extracting(AuditEntry::event).containsExactlyElementsOf(
                seen.get(dead).stream().map(Transition::event).toList());
    }
}
