package dev.idem.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Audit;
import dev.idem.Idem;
import dev.idem.IdempotencyPolicy;
import dev.idem.IdempotentOperation;
import dev.idem.RetryPolicy;
import dev.idem.annotation.OnFailure;
import dev.idem.annotation.Steps;
import dev.idem.store.AuditEntry;
import dev.idem.store.IdempotencyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Calls that make every kind of transition the engine has for an operation (claimed, step saved,
 * released, claimed again, completed, failed), and the check that a processing-log topic holds exactly
 * the store's history of each key, in order. Thread-safe.
 */
final class Workload {

    private final IdempotentOperation<String> plain;
    private final IdempotentOperation<String> stepped;
    private final IdempotentOperation<String> retried;
    private final IdempotentOperation<String> remembered;
    private final Set<String> fullKeys = ConcurrentHashMap.newKeySet();

    Workload(Idem idem) {
        plain = idem.operation(IdempotencyPolicy.named("plain").build(), null, String.class);
        stepped = idem.operation(IdempotencyPolicy.named("stepped").build(), null, String.class);
        retried = idem.operation(IdempotencyPolicy.named("retried").build(), RetryPolicy.builder().maxAttempts(3)
                .delay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1)).budget(false).build(), String.class);
        remembered = idem.operation(IdempotencyPolicy.named("remembered").onFailure(OnFailure.REMEMBER).build(), null,
                String.class);
    }

    /** Settles key number {@code i}: one of four kinds of call by {@code i % 4}. */
    void settle(int i) {
        String key = "k" + i;
        switch (i % 4) {
            case 0 -> {
                fullKeys.add(Audit.fullKey("plain", key));
                assertThat(plain.execute(key, i, () -> "done " + i)).isEqualTo("done " + i);
                assertThat(plain.execute(key, i, () -> "again")).isEqualTo("done " + i);
            }
            case 1 -> {
                fullKeys.add(Audit.fullKey("stepped", key));
                assertThatThrownBy(() -> stepped.execute(key, i, () -> {
                    Steps.run("reserve", String.class, () -> "held");
                    throw new IllegalStateException("the first delivery fails after its step");
                })).isInstanceOf(IllegalStateException.class);
                assertThat(stepped.execute(key, i, () -> Steps.run("reserve", String.class, () -> "twice")))
                        .as("the saved step").isEqualTo("held");
            }
            case 2 -> {
                fullKeys.add(Audit.fullKey("retried", key));
                AtomicInteger attempts = new AtomicInteger();
                assertThat(retried.execute(key, i, () -> {
                    if (attempts.incrementAndGet() < 3) {
                        throw new IllegalStateException("flaky");
                    }
                    return "third time";
                })).isEqualTo("third time");
            }
            default -> {
                fullKeys.add(Audit.fullKey("remembered", key));
                for (int delivery = 0; delivery < 2; delivery++) {
                    assertThatThrownBy(() -> remembered.execute(key, i, () -> {
                        throw new IllegalArgumentException("refused for good");
                    })).isInstanceOf(RuntimeException.class);
                }
            }
        }
    }

    /** The full keys settled so far. */
    Set<String> fullKeys() {
        return Set.copyOf(fullKeys);
    }

    /** The entries of a processing-log topic, by key in topic order; each key's records in one partition. */
    static Map<String, List<ProcessingLogEntry>> byKey(List<ConsumerRecord<String, byte[]>> records) {
        Map<String, List<ProcessingLogEntry>> byKey = new LinkedHashMap<>();
        Map<String, Integer> partitions = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            ProcessingLogEntry entry = ProcessingLogEntry.fromJson(record.value());
            assertThat(record.key()).isEqualTo(entry.key());
            assertThat(partitions.computeIfAbsent(record.key(), k -> record.partition()))
                    .as("the partition of every record of %s", record.key()).isEqualTo(record.partition());
            byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(entry);
        }
        return byKey;
    }

    /** Asserts that the topic holds each key's history in the store, entry for entry and in order. */
    static void assertTopicHoldsTheHistoryOf(Set<String> fullKeys, Map<String, List<ProcessingLogEntry>> topic,
            IdempotencyStore store) {
        assertThat(topic.keySet()).containsExactlyInAnyOrderElementsOf(fullKeys);
        for (String key : fullKeys) {
            List<String> history = store.history(key).stream().map(Workload::describe).toList();
            List<String> published = topic.get(key).stream().map(Workload::describe).toList();
            assertThat(published).as("the processing log of %s", key).isNotEmpty().isEqualTo(history);
            List<Long> sequences = topic.get(key).stream().map(ProcessingLogEntry::sequence).toList();
            assertThat(sequences).as("sequence numbers of %s", key).isSorted().doesNotHaveDuplicates();
        }
    }

    private static String describe(AuditEntry entry) {
        return entry.event() + " " + entry.state() + " attempt " + entry.attempt() + " token " + entry.token()
                + (entry.detail() == null ? "" : " step " + entry.detail())
                + (entry.error() == null ? "" : " error " + entry.error().type());
    }

    private static String describe(ProcessingLogEntry entry) {
        return entry.event() + " " + entry.state() + " attempt " + entry.attempt() + " token " + entry.token()
                + (entry.step() == null ? "" : " step " + entry.step())
                + (entry.error() == null ? "" : " error " + entry.error().type());
    }
}
