package dev.idem.kafka;

import dev.idem.Idem;
import dev.idem.IdempotencyPolicy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The consumer of the kill test, the same in the forked JVM and in the test's own: each message's
 * effect is a row in a PostgreSQL table that has no unique constraint, so a second effect of a message
 * would show as a second row. It reports what it does as lines ({@code ASSIGNED n}, {@code EFFECT id},
 * {@code STUCK id}). Its handler can be told to get stuck, before the effect, at its n-th run: the
 * record is then claimed and its batch uncommitted, the moment to kill the process. Not thread-safe:
 * one polling thread.
 */
final class EffectConsumer implements AutoCloseable {

    static final String NAMESPACE = "orders";
    /** Short, so that the key of a consumer that was killed is taken over soon. */
    static final Duration LEASE = Duration.ofSeconds(2);

    private final Connection connection;
    private final PreparedStatement insert;
    private final KafkaConsumer<String, String> kafka;
    private final IdempotentConsumer<String, String> consumer;
    private final AtomicInteger runs = new AtomicInteger();
    private final AtomicInteger settled = new AtomicInteger();

    EffectConsumer(Idem idem, String topic, String group, String effects, String name, int stuckAtRun,
            Consumer<String> report) throws SQLException {
        this.connection = TestStores.connect();
        this.insert = connection.prepareStatement("INSERT INTO " + effects + " (message_id, consumer) VALUES (?, ?)");
        IdempotencyPolicy policy = IdempotencyPolicy.named(NAMESPACE).lease(LEASE).waitTimeout(Duration.ofSeconds(30))
                .build();
        this.consumer = IdempotentConsumer.builder(idem, policy, (ConsumerRecord<String, String> record) -> {
            String id = RecordKeys.headerText(record, "message_id");
            if (runs.incrementAndGet() == stuckAtRun) {
                report.accept("STUCK " + id);
                new CountDownLatch(1).await();
            }
            insert.setString(1, id);
            insert.setString(2, name);
            insert.executeUpdate();
            report.accept("EFFECT " + id);
        }).key(RecordKey.header("message_id")).redeliveryBackoff(Duration.ofMillis(200)).build();
        this.kafka = TestKafka.consumer(group);
        kafka.subscribe(List.of(topic), new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                report.accept("ASSIGNED " + kafka.assignment().size());
            }
        });
    }

    /** The table of effects; no unique constraint, on purpose. */
    static void createEffects(String table) throws SQLException {
        TestStores.execute("CREATE TABLE " + table + " (message_id text NOT NULL, consumer text NOT NULL, "
                + "at timestamptz NOT NULL DEFAULT now())");
    }

    /** Polls once; returns how many records settled. */
    int poll() {
        int count = consumer.poll(kafka, Duration.ofMillis(200));
        settled.addAndGet(count);
        return count;
    }

    /** How often the handler ran (effects, plus the stuck run). */
    int runs() {
        return runs.get();
    }

    /** How many records settled, duplicates included. */
    int settled() {
        return settled.get();
    }

    @Override
    public void close() throws SQLException {
        kafka.close();
        connection.close();
    }
}
