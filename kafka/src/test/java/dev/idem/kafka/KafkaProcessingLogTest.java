package dev.idem.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.idem.Idem;
import dev.idem.IdempotencyPolicy;
import dev.idem.IdempotentOperation;
import dev.idem.Transition;
import dev.idem.store.AuditEvent;
import dev.idem.store.RecordState;
import dev.idem.store.jdbc.JdbcStore;
import dev.idem.store.redis.RedisStore;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The processing log against the real broker of {@code scripts/kafka.sh}, and against a broker that is down. */
class KafkaProcessingLogTest {

    private static final Pattern DROPPED = Pattern.compile("dropped ([\\d,]+) transitions since");

    @BeforeAll
    static void brokerAnswers() {
        TestKafka.requireBroker();
    }

    @Test
    void everyTransitionOfEveryKeyReachesTheTopicInOrderPerKey() throws Exception {
        String topic = TestKafka.createTopic("idem-log", 3);
        KafkaProcessingLog log = KafkaProcessingLog.builder().bootstrapServers(TestKafka.bootstrapServers())
                .topic(topic).build();
        Set<String> fullKeys;
        try (RedisStore store = TestStores.redis(TestStores.uniquePrefix("log"))) {
            try (Idem idem = idem(store, log)) {
                Workload workload = new Workload(idem);
                ExecutorService threads = Executors.newFixedThreadPool(4);
                try {
                    List<Future<?>> calls = new ArrayList<>();
                    for (int i = 0; i < 80; i++) {
                        int n = i;
                        calls.add(threads.submit(() -> workload.settle(n)));
                    }
                    for (Future<?> call : calls) {
                        call.get();
                    }
                } finally {
                    threads.shutdownNow();
                }
                fullKeys = workload.fullKeys();
            }
            log.close();

            ProcessingLogMetrics metrics = log.metrics();
            assertThat(metrics.queued()).isEqualTo(80 / 4 * (2 + 5 + 2 + 2));
            assertThat(metrics.sent()).isEqualTo(metrics.queued());
            assertThat(metrics.dropped() + metrics.failed() + metrics.pending()).isZero();

            List<ConsumerRecord<String, byte[]>> records = TestKafka.readAll(topic);
            assertThat(records).hasSize((int) metrics.sent());
            Workload.assertTopicHoldsTheHistoryOf(fullKeys, Workload.byKey(records), store);
            List<ProcessingLogEntry> entries = records.stream().map(r -> ProcessingLogEntry.fromJson(r.value()))
                    .toList();
            assertThat(entries).extracting(ProcessingLogEntry::instance).containsOnly(log.instance());
            assertThat(entries).extracting(ProcessingLogEntry::sequence).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(1, metrics.sent()).boxed().toList());
            assertThat(entries).filteredOn(e -> e.event() == AuditEvent.COMPLETED)
                    .allSatisfy(e -> assertThat(e.elapsed()).isNotNull().isPositive());
            assertThat(entries).filteredOn(e -> e.event() == AuditEvent.FAILED)
                    .allSatisfy(e -> assertThat(e.error().type()).isEqualTo(IllegalArgumentException.class.getName()));
        } finally {
            log.close();
        }
    }

    @Test
    void aStoppedBrokerNeitherFailsNorSlowsCallsAndWhatWasBufferedArrivesInOrderWhenItReturns() throws Exception {
        String topic = TestKafka.createTopic("idem-log-outage", 3);
        String tightTopic = TestKafka.createTopic("idem-log-overflow", 1);
        String prefix = TestStores.uniquePrefix("log");
        JdbcStore store = TestStores.postgres(prefix);
        boolean stopped = false;
        KafkaProcessingLog log = null;
        KafkaProcessingLog tight = null;
        try (LogCapture warnings = new LogCapture(KafkaProcessingLog.class)) {
            TestKafka.script("stop");
            stopped = true;
            log = KafkaProcessingLog.builder().bootstrapServers(TestKafka.bootstrapServers()).topic(topic)
                    .producerProperty("max.block.ms", 2_000).build();
            tight = KafkaProcessingLog.builder().bootstrapServers(TestKafka.bootstrapServers()).topic(tightTopic)
                    .bufferSize(40).reportInterval(Duration.ofMillis(200)).producerProperty("max.block.ms", 2_000)
                    .build();
            IdempotentOperation<String> orders;
            try (Idem idem = idem(store, log, tight)) {
                orders = idem.operation(IdempotencyPolicy.named("orders").build(), null, String.class);
                Duration slowest = Duration.ZERO;
                for (int i = 0; i < 150; i++) {
                    long start = System.nanoTime();
                    int n = i;
                    assertThat(orders.execute("order-" + i, i, () -> "shipped " + n)).isEqualTo("shipped " + i);
                    Duration took = Duration.ofNanos(System.nanoTime() - start);
                    slowest = took.compareTo(slowest) > 0 ? took : slowest;
                }
                assertThat(slowest).as("the slowest call while the broker is down (max.block.ms is 2 s)")
                        .isLessThan(Duration.ofSeconds(1));
            }
            assertThat(log.metrics().queued()).isEqualTo(300);
            assertThat(log.metrics().pending()).isEqualTo(300);
            assertThat(log.metrics().sent()).isZero();
            assertThat(tight.metrics().pending()).isEqualTo(40);
            assertThat(tight.metrics().dropped()).isEqualTo(260);
            KafkaProcessingLog full = tight;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(reportedDrops(warnings.warnings())).isEqualTo(260);
                assertThat(full.metrics().sendErrors()).isPositive();
                assertThat(warnings.warnings()).anyMatch(w -> w.contains("cannot send to the broker at "
                        + TestKafka.bootstrapServers()) && w.contains("go out in order when it answers"));
            });
            assertThat(warnings.warnings()).filteredOn(w -> w.contains("dropped"))
                    .allMatch(w -> w.contains("buffer of 40 transitions") && w.contains(tightTopic)
                            && w.contains(full.instance()));

            TestKafka.script("start");
            stopped = false;
            KafkaProcessingLog big = log;
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> big.metrics().pending() == 0 && full.metrics().pending() == 0);
            log.close();
            tight.close();

            assertThat(log.metrics().sent()).isEqualTo(300);
            assertThat(log.metrics().dropped() + log.metrics().failed()).isZero();
            List<ConsumerRecord<String, byte[]>> records = TestKafka.readAll(topic);
            assertThat(records).hasSize(300);
            Workload.assertTopicHoldsTheHistoryOf(
                    IntStream.range(0, 150).mapToObj(i -> "orders:order-" + i).collect(Collectors.toSet()),
                    Workload.byKey(records), store);

            assertThat(tight.metrics().sent()).isEqualTo(40);
            List<ProcessingLogEntry> kept = TestKafka.readAll(tightTopic).stream()
                    .map(r -> ProcessingLogEntry.fromJson(r.value())).toList();
            assertThat(kept).extracting(ProcessingLogEntry::sequence)
                    .as("the first 40 transitions, in order; 41 to 300 were dropped")
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
            assertThat(reportedDrops(warnings.warnings())).isEqualTo(tight.metrics().dropped());
        } finally {
            if (stopped) {
                TestKafka.script("start");
            }
            if (log != null) {
                log.close(Duration.ZERO);
            }
            if (tight != null) {
                tight.close(Duration.ZERO);
            }
            store.close();
            TestStores.dropTables(prefix);
        }
    }

    @Test
    void closeGivesUpAfterItsTimeoutAndCountsAndLogsWhatWasNotDelivered() throws IOException {
        int nothingListens;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            nothingListens = socket.getLocalPort();
        }
        KafkaProcessingLog log = KafkaProcessingLog.builder().bootstrapServers("127.0.0.1:" + nothingListens).build();
        try (LogCapture warnings = new LogCapture(KafkaProcessingLog.class)) {
            for (int i = 0; i < 5; i++) {
                log.onTransition(transition("orders:o" + i));
            }
            assertThat(log.metrics().pending()).isEqualTo(5);

            long start = System.nanoTime();
            log.close(Duration.ofMillis(300));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

            assertThat(log.metrics().failed()).isEqualTo(5);
            assertThat(log.metrics().sent() + log.metrics().pending()).isZero();
            assertThat(warnings.warnings()).anyMatch(w -> w.contains("closed with 5 transitions not acknowledged"));

            log.onTransition(transition("orders:late"));
            assertThat(log.metrics().dropped()).isEqualTo(1);
        }
    }

    @Test
    void producerSettingsThatWouldBreakPerKeyOrderAreRefused() {
        KafkaProcessingLog.Builder builder = KafkaProcessingLog.builder();
        assertThatThrownBy(() -> builder.producerProperty("acks", "1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("acks=all");
        assertThatThrownBy(() -> builder.producerProperty("enable.idempotence", false))
                .hasMessageContaining("enable.idempotence=true");
        assertThatThrownBy(() -> builder.producerProperty("max.in.flight.requests.per.connection", 6))
                .hasMessageContaining("1 to 5");
        assertThatThrownBy(() -> builder.producerProperty("transactional.id", "x")).hasMessageContaining("itself");
        assertThatThrownBy(() -> builder.producerProperties(Map.of("delivery.timeout.ms", 1000)))
                .hasMessageContaining("delivery.timeout.ms");
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bootstrapServers");
        assertThat(builder.producerProperty("max.in.flight.requests.per.connection", 1)
                .producerProperty("acks", "all")).isSameAs(builder);
    }

    private static Idem idem(dev.idem.store.IdempotencyStore store, KafkaProcessingLog... logs) {
        Idem.Builder builder = Idem.builder().store(store).node("kafka-test");
        for (KafkaProcessingLog log : logs) {
            builder.listener(log);
        }
        return builder.build();
    }

    private static Transition transition(String key) {
        return new Transition(key, AuditEvent.CLAIMED, RecordState.IN_PROGRESS, 1, 1, "kafka-test", Instant.now(), null,
                null, null, null);
    }

    private static long reportedDrops(List<String> warnings) {
        long total = 0;
        for (String warning : warnings) {
            Matcher matcher = DROPPED.matcher(warning);
            if (matcher.find()) {
                total += Long.parseLong(matcher.group(1).replace(",", ""));
            }
        }
        return total;
    }
}
