package dev.idem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idem.Idem;
import dev.idem.annotation.Idempotent;
import dev.idem.kafka.KafkaProcessingLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** With idem-kafka on the class path and brokers configured, every transition reaches the topic. */
class KafkaAutoConfigurationTest {

    private static final String BROKERS = System.getenv().getOrDefault("IDEM_TEST_KAFKA", "127.0.0.1:9092");

    /** A bean with one idempotent method. */
    public static class Orders {
        @Idempotent(key = "#id", name = "kafka-orders")
        public String place(String id) {
            return "placed " + id;
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(BootLine.idem())
            .withPropertyValues("idem.store=memory").withBean(Orders.class);

    @Test
    void transitionsArePublishedWhenBrokersAreConfigured() {
        String topic = "idem-spring-" + UUID.randomUUID();
        runner.withPropertyValues("idem.kafka.bootstrap-servers=" + BROKERS, "idem.kafka.topic=" + topic).run(context -> {
            assertThat(context).hasSingleBean(KafkaProcessingLog.class);
            context.getBean(Orders.class).place("o1");
            context.getBean(Orders.class).place("o1");

            List<String> events = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS,
                    ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        assertThat(record.key()).isEqualTo("kafka-orders:o1");
                        events.add(record.value());
                    }
                    return events.size() >= 2;
                });
            }
            assertThat(events.get(0)).contains("\"CLAIMED\"");
            assertThat(events.get(1)).contains("\"COMPLETED\"");
            assertThat(context.getBean(KafkaProcessingLog.class).metrics().dropped()).isZero();
        });
    }

    @Test
    void withoutBrokersThereIsNoProcessingLog() {
        runner.run(context -> {
            assertThat(context).doesNotHaveBean(KafkaProcessingLog.class);
            assertThat(context).hasSingleBean(Idem.class);
        });
    }
}
