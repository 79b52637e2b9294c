package dev.idem.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idem.Audit;
import dev.idem.Idem;
import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.jdbc.JdbcStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two consumers in one group, one in a forked JVM that is killed with SIGKILL in the middle of a batch,
 * before it commits: after the rebalance, every message's effect exists exactly once.
 */
class ConsumerKillTest {

    private static final int MESSAGES = 200;
    private static final int PARTITIONS = 4;
    private static final int STUCK_AT_RUN = 15;

    @BeforeAll
    static void brokerAnswers() {
        TestKafka.requireBroker();
    }

    @Test
    void aConsumerKilledMidBatchBeforeItsCommitLeavesEveryEffectExactlyOnceAfterTheRebalance() throws Exception {
        String topic = TestKafka.createTopic("idem-orders", PARTITIONS);
        String group = topic + "-group";
        String prefix = TestStores.uniquePrefix("kill");
        String effects = prefix + "effects";
        EffectConsumer.createEffects(effects);
        List<String> killedSaid = new CopyOnWriteArrayList<>();
        List<String> survivorSaid = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Process killed = null;
        Thread survivor = null;
        try (JdbcStore store = TestStores.postgres(prefix);
                Idem idem = Idem.builder().store(store).node("survivor").build()) {
            killed = fork(topic, group, prefix, effects, killedSaid);
            await().atMost(Duration.ofSeconds(60)).until(() -> killedSaid.contains("ASSIGNED " + PARTITIONS));

            EffectConsumer[] holder = new EffectConsumer[1];
            holder[0] = new EffectConsumer(idem, topic, group, effects, "survivor", Integer.MAX_VALUE,
                    survivorSaid::add);
            survivor = new Thread(() -> {
                try (EffectConsumer consumer = holder[0]) {
                    while (!stop.get()) {
                        consumer.poll();
                    }
                } catch (Exception e) {
                    survivorSaid.add("FAILED " + e);
                }
            }, "survivor");
            survivor.start();
            await().atMost(Duration.ofSeconds(30)).until(() -> survivorSaid.contains("ASSIGNED " + PARTITIONS / 2)
                    && lastAssignment(killedSaid).equals("ASSIGNED " + PARTITIONS / 2));

            try (KafkaProducer<String, String> producer = TestKafka.producer()) {
                for (int copy = 0; copy < 2; copy++) {
                    for (int i = 0; i < MESSAGES; i++) {
                        ProducerRecord<String, String> record = new ProducerRecord<>(topic, "m" + i,
                                "{\"id\":\"m" + i + "\",\"amount\":" + i + "}");
                        record.headers().add("message_id", ("m" + i).getBytes(StandardCharsets.UTF_8));
                        producer.send(record);
                    }
                }
                producer.flush();
            }

            await().atMost(Duration.ofSeconds(60))
                    .until(() -> killedSaid.stream().anyMatch(line -> line.startsWith("STUCK ")));
            String stuck = killedSaid.stream().filter(line -> line.startsWith("STUCK ")).findFirst().orElseThrow()
                    .substring("STUCK ".length());
            killed.destroyForcibly();
            assertThat(killed.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(killed.exitValue()).as("killed by SIGKILL").isEqualTo(128 + 9);

            await().atMost(Duration.ofSeconds(90)).until(() -> TestKafka.committedToTheEnd(group, topic, PARTITIONS));
            stop.set(true);
            survivor.join(30_000);

            Map<String, Long> perMessage = TestStores.counts("SELECT message_id, count(*) FROM " + effects
                    + " GROUP BY message_id");
            assertThat(perMessage).hasSize(MESSAGES);
            assertThat(perMessage.values()).as("effects per message").containsOnly(1L);
            Map<String, Long> perConsumer = TestStores.counts("SELECT consumer, count(*) FROM " + effects
                    + " GROUP BY consumer");
            assertThat(perConsumer.get("killed")).as("effects of the killed consumer").isEqualTo(STUCK_AT_RUN - 1);
            assertThat(perConsumer.get("survivor")).isEqualTo(MESSAGES - (STUCK_AT_RUN - 1));
            assertThat(survivorSaid).contains("EFFECT " + stuck).noneMatch(l -> l.startsWith("FAILED"));

            List<AuditEntry> history = store.history(Audit.fullKey(EffectConsumer.NAMESPACE, stuck));
            assertThat(history).extracting(AuditEntry::event)
                    .containsExactly(AuditEvent.CLAIMED, AuditEvent.TAKEN_OVER, AuditEvent.COMPLETED);
            assertThat(history).extracting(AuditEntry::node).containsExactly("killed", "survivor", "survivor");
            assertThat(holder[0].settled()).as("records the survivor settled, duplicates included")
                    .isGreaterThan(holder[0].runs());
        } finally {
            stop.set(true);
            if (killed != null) {
                killed.destroyForcibly();
            }
            if (survivor != null) {
                survivor.join(30_000);
            }
            TestStores.dropTables(prefix, effects);
        }
    }

    private static String lastAssignment(List<String> said) {
        String last = "";
        for (String line : said) {
            if (line.startsWith("ASSIGNED ")) {
                last = line;
            }
        }
        return last;
    }

    private static Process fork(String topic, String group, String prefix, String effects, List<String> said)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path")));
        String logging = System.getProperty("java.util.logging.config.file");
        if (logging != null) {
            command.add("-Djava.util.logging.config.file=" + logging);
        }
        command.addAll(List.of(ConsumerProcess.class.getName(), topic, group, prefix, effects, "killed",
                String.valueOf(STUCK_AT_RUN)));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    said.add(line);
                }
            } catch (IOException ended) {
                said.add("ENDED " + ended);
            }
        }, "killed-consumer-output");
        reader.setDaemon(true);
        reader.start();
        return process;
    }
}
