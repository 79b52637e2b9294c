package dev.idem.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.idem.Audit;
import dev.idem.Idem;
import dev.idem.IdempotencyPolicy;
import dev.idem.IdempotentMethod;
import dev.idem.RetryPolicy;
import dev.idem.annotation.IdempotencyInProgressException;
import dev.idem.annotation.OnFailure;
import dev.idem.annotation.Retryable;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import dev.idem.store.redis.RedisStore;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What each delivery of a record settles as, on a Redis store: records are built by hand where only the
 * outcome matters, and come from the real broker where offsets and redelivery do.
 */
class IdempotentConsumerTest {

    private static RedisStore store;
    private static Idem idem;

    private final List<String> effects = new CopyOnWriteArrayList<>();
    private final String namespace = "orders-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void engine() {
        store = TestStores.redis(TestStores.uniquePrefix("consumer"));
        idem = Idem.builder().store(store).node("consumer-test").build();
    }

    @AfterAll
    static void closeEngine() {
        idem.close();
        store.close();
    }

    @Test
    void aLaterDeliveryOfAMessageIsADuplicateAndDoesNotRunTheHandler() throws Exception {
        IdempotentConsumer<String, String> consumer = IdempotentConsumer.builder(idem, namespace, this::effect).build();

        assertThat(consumer.handle(record(0, "{\"amount\":1}", "message_id", "m1"))).isEqualTo(RecordOutcome.PROCESSED);
        assertThat(consumer.handle(record(7, "{ \"amount\": 1 }", "message_id", "m1")))
                .as("a redelivery, pretty-printed").isEqualTo(RecordOutcome.DUPLICATE);

        assertThat(effects).containsExactly("m1");
    }

    @Test
    void aKeyReusedWithAnotherPayloadIsRejectedWithoutRunningTheHandler() throws Exception {
        IdempotentConsumer<String, String> consumer = IdempotentConsumer.builder(idem, namespace, this::effect).build();

        assertThat(consumer.handle(record(0, "{\"amount\":1}", "message_id", "m1"))).isEqualTo(RecordOutcome.PROCESSED);
        assertThat(consumer.handle(record(1, "{\"amount\":2}", "message_id", "m1"))).isEqualTo(RecordOutcome.REJECTED);

        assertThat(effects).containsExactly("m1");
    }

    @Test
    void aRecordWithoutAKeyIsRejectedWithoutRunningTheHandler() throws Exception {
        IdempotentConsumer<String, String> consumer = IdempotentConsumer.builder(idem, namespace, this::effect)
                .key(RecordKey.header("message_id")).build();

        assertThat(consumer.handle(record(0, "{\"amount\":1}", "event_id", "e1"))).isEqualTo(RecordOutcome.REJECTED);

        assertThat(effects).isEmpty();
    }

    @Test
    void aReleasedFailureIsNotSettledAndTheNextDeliveryRunsTheHandlerAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        IdempotentConsumer<String, String> consumer = IdempotentConsumer.builder(idem, namespace,
                (ConsumerRecord<String, String> record) -> {
                    if (runs.incrementAndGet() == 1) {
                        throw new IllegalStateException("the ledger is down");
                    }
                    effect(record);
                }).build();
        ConsumerRecord<String, String> record = record(0, "{}", "message_id", "m1");

        assertThatThrownBy(() -> consumer.handle(record)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the ledger is down");
        assertThat(consumer.handle(record)).isEqualTo(RecordOutcome.PROCESSED);
        assertThat(consumer.handle(record)).isEqualTo(RecordOutcome.DUPLICATE);

        assertThat(runs).hasValue(2);
        assertThat(effects).containsExactly("m1");
    }

    @Test
    void retriesHappenInsideOneDelivery() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        IdempotentConsumer<String, String> consumer = IdempotentConsumer.builder(idem, namespace,
                (ConsumerRecord<String, String> record) -> {
                    if (runs.incrementAndGet() < 3) {
                        throw new IllegalStateException("flaky");
                    }
                    effect(record);
                }).retry(RetryPolicy.builder().maxAttempts(3).delay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(1))
                .budget(false).build()).build();

        assertThat(consumer.handle(record(0, "{}", "message_id", "m1"))).isEqualTo(RecordOutcome.PROCESSED);

        assertThat(runs).hasValue(3);
        assertThat(effects).containsExactly("m1");
    }

    @Test
    void aRememberedFailureSettlesAsFailedOnEveryDeliveryWithoutRunningAgain() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        IdempotentConsumer<String, String> consumer = IdempotentConsumer.builder(idem,
                IdempotencyPolicy.named(namespace).onFailure(OnFailure.REMEMBER).build(),
                (ConsumerRecord<String, String> record) -> {
                    runs.incrementAndGet();
                    throw new IllegalArgumentException("the order is invalid");
                }).build();
        ConsumerRecord<String, String> record = record(0, "{}", "message_id", "poison");

        assertThat(consumer.handle(record)).isEqualTo(RecordOutcome.FAILED);
        assertThat(consumer.handle(record)).isEqualTo(RecordOutcome.FAILED);

        assertThat(runs).hasValue(1);
        assertThat(idem.audit().find(Audit.fullKey(namespace, "poison"))).get().extracting(IdempotencyRecord::state)
                .isEqualTo(RecordState.FAILED);
    }

    @Test
    void workThatTheHandlerDefersSettlesAsDeferredAndWaitsInTheStore() throws Exception {
        Ledger ledger = new Ledger();
        IdempotentMethod post = idem.method(Ledger.class.getMethod("post", String.class));
        IdempotentConsumer<String, String> consumer = IdempotentConsumer.builder(idem, namespace,
                (ConsumerRecord<String, String> record) -> {
                    String id = RecordKeys.headerText(record, "message_id");
                    try {
                        post.invoke(ledger, new Object[] {id}, () -> {
                            ledger.post(id);
                            return null;
                        });
                    } catch (Throwable failure) {
                        throw failure instanceof Exception e ? e : new IllegalStateException(failure);
                    }
                }).build();

        assertThat(consumer.handle(record(0, "{}", "message_id", "m1"))).isEqualTo(RecordOutcome.DEFERRED);

        assertThat(store.list(new RecordQuery(RecordState.SCHEDULED, null, null, post.namespace() + ":", 10)))
                .as("the deferred job").hasSize(1);
    }

    @Test
    void aDeliveryWaitsWhileAnotherConsumerStillProcessesTheMessageAndThenSettlesAsADuplicate() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        IdempotentConsumer<String, String> consumer = IdempotentConsumer.builder(idem, namespace,
                (ConsumerRecord<String, String> record) -> {
                    inside.countDown();
                    assertThat(release.await(30, TimeUnit.SECONDS)).isTrue();
                    effect(record);
                }).build();
        IdempotentConsumer<String, String> impatient = IdempotentConsumer.builder(idem,
                IdempotencyPolicy.named(namespace).waitTimeout(Duration.ofMillis(200)).build(), this::effect).build();
        ConsumerRecord<String, String> record = record(0, "{}", "message_id", "m1");

        CompletableFuture<RecordOutcome> first = CompletableFuture.supplyAsync(() -> outcome(consumer, record));
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> impatient.handle(record)).isInstanceOf(IdempotencyInProgressException.class);
        CompletableFuture<RecordOutcome> second = CompletableFuture.supplyAsync(() -> outcome(consumer, record));
        release.countDown();

        assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(RecordOutcome.PROCESSED);
        assertThat(second.get(30, TimeUnit.SECONDS)).isEqualTo(RecordOutcome.DUPLICATE);
        assertThat(effects).containsExactly("m1");
    }

    @Test
    void pollCommitsWhatSettledAndDeliversARecordThatDidNotAgainAfterTheBackoff() throws Exception {
        TestKafka.requireBroker();
        String topic = TestKafka.createTopic("idem-poll", 1);
        String group = topic + "-group";
        try (KafkaProducer<String, String> producer = TestKafka.producer()) {
            for (String id : List.of("m1", "m2", "m3", "m1")) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, id, "{\"id\":\"" + id + "\"}");
                record.headers().add("message_id", id.getBytes(StandardCharsets.UTF_8));
                producer.send(record);
            }
        }
        AtomicInteger failures = new AtomicInteger();
        AtomicLong failedAt = new AtomicLong();
        AtomicLong redeliveredAt = new AtomicLong();
        IdempotentConsumer<String, String> consumer = IdempotentConsumer.builder(idem, namespace,
                (ConsumerRecord<String, String> record) -> {
                    if (record.key().equals("m2")) {
                        if (failures.getAndIncrement() == 0) {
                            failedAt.set(System.nanoTime());
                            throw new IllegalStateException("the ledger is down");
                        }
                        redeliveredAt.set(System.nanoTime());
                    }
                    effect(record);
                }).redeliveryBackoff(Duration.ofMillis(500)).build();
        TopicPartition partition = new TopicPartition(topic, 0);

        try (KafkaConsumer<String, String> kafka = TestKafka.consumer(group)) {
            kafka.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(kafka, Duration.ofMillis(100));
                return failures.get() == 1;
            });
            assertThat(TestKafka.committed(group, partition)).as("m1 settled, m2 did not").isEqualTo(1);
            assertThat(kafka.paused()).containsExactly(partition);

            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(kafka, Duration.ofMillis(100));
                return TestKafka.committed(group, partition) == 4;
            });
            assertThat(kafka.paused()).isEmpty();
        }
        assertThat(effects).containsExactly("m1", "m2", "m3");
        assertThat(Duration.ofNanos(redeliveredAt.get() - failedAt.get())).as("the redelivery backoff")
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
    }

    /** A dependency that is down, behind a method that defers to a worker when its attempts are used up. */
    public static final class Ledger {
        @Retryable(maxAttempts = 1, defer = true, deferDelay = "1h")
        public void post(String id) {
            throw new IllegalStateException("the ledger is down for " + id);
        }
    }

    private void effect(ConsumerRecord<String, String> record) {
        effects.add(RecordKeys.headerText(record, "message_id"));
    }

    private static RecordOutcome outcome(IdempotentConsumer<String, String> consumer,
            ConsumerRecord<String, String> record) {
        try {
            return consumer.handle(record);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static ConsumerRecord<String, String> record(long offset, String value, String... headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            recordHeaders.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>("orders", 0, offset, ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE,
                ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE, "key", value, recordHeaders, Optional.empty());
    }
}
