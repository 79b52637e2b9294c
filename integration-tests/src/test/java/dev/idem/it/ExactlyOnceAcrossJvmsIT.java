package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.WebhookApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two JVMs share a durable store (PostgreSQL, then Redis), one on Java 17 and one on Java 25, and are fed the
 * same 5,000 events, each delivered 3 times concurrently in each JVM (6 deliveries per event). Every event's side
 * effect, a row in a PostgreSQL table with no unique constraint, happens exactly once, and every one of the
 * 30,000 callers, in both JVMs, gets the result of the one execution.
 */
@Timeout(300)
final class ExactlyOnceAcrossJvmsIT {

    private static final int EVENTS = 5_000;
    private static final int COPIES = 3;
    private static final int THREADS = 16;
    private static final Duration BURST = Duration.ofMinutes(3);

    @ParameterizedTest
    @EnumSource(SharedStore.class)
    void everyEventRunsExactlyOnceAcrossTwoJvmsAndEveryDuplicateGetsItsResult(SharedStore store, TestInfo test)
            throws IOException {
        store.require();
        String run = ItEnvironment.runId();
        Path logs = ItEnvironment.logDirectory(test);
        try (EffectsTable effects = EffectsTable.create(run);
                ForkedJvm a = start("a17", Jdk.JAVA_17, store, run, effects, logs);
                ForkedJvm b = start("b25", Jdk.JAVA_25, store, run, effects, logs)) {
            assertThat(a.awaitLine("main started", ForkedJvm.STARTUP)).isEqualTo("main started java=17");
            assertThat(b.awaitLine("main started", ForkedJvm.STARTUP)).isEqualTo("main started java=25");
            a.awaitLine("ready", ForkedJvm.STARTUP);
            b.awaitLine("ready", ForkedJvm.STARTUP);
            a.send("go");
            b.send("go");
            String expectedDone = "done deliveries=" + EVENTS * COPIES + " errors=0 ";
            assertThat(a.awaitLine("done", BURST)).startsWith(expectedDone);
            assertThat(b.awaitLine("done", BURST)).startsWith(expectedDone);
            assertThat(a.awaitExit(ForkedJvm.STARTUP)).isZero();
            assertThat(b.awaitExit(ForkedJvm.STARTUP)).isZero();

            List<EffectsTable.Row> rows = effects.rows();
            Map<String, Long> counts = effects.countsByEvent();
            Map<String, Long> notOnce = new TreeMap<>(counts);
            notOnce.values().removeIf(count -> count == 1L);
            assertThat(counts.size()).as("events with an effect").isEqualTo(EVENTS);
            assertThat(notOnce.size()).as("events whose effect did not happen exactly once (the first: %s)",
                    first(notOnce)).isZero();
            assertThat(rows.size()).as("effect rows").isEqualTo(EVENTS);
            assertThat(rows.stream().map(EffectsTable.Row::node).distinct())
                    .as("both JVMs won some events, so they really competed for the same keys")
                    .containsExactlyInAnyOrder("a17", "b25");

            Map<String, String> executed = new HashMap<>();
            rows.forEach(row -> executed.put(row.eventId(), row.result()));
            Map<String, List<String>> received = new TreeMap<>();
            collect(logs.resolve("a17.results"), received);
            collect(logs.resolve("b25.results"), received);
            assertThat(received.size()).as("events delivered").isEqualTo(EVENTS);
            Map<String, List<String>> wrong = new TreeMap<>(received);
            wrong.entrySet().removeIf(entry -> entry.getValue().size() == 2 * COPIES
                    && entry.getValue().stream().allMatch(result -> result.equals(executed.get(entry.getKey()))));
            assertThat(wrong.size()).as("events whose %d callers did not all get the result of the one execution "
                    + "(the first: %s)", 2 * COPIES, first(wrong)).isZero();
        } finally {
            store.cleanUp(run);
        }
    }

    private static ForkedJvm start(String node, Jdk jdk, SharedStore store, String run, EffectsTable effects, Path logs) {
        ForkedJvm.Builder builder = ForkedJvm.main(node, WebhookApp.class).jdk(jdk).agent("idem.node=" + node)
                .args(Servers.postgresUrl(), effects.name(), node, "evt-" + run, Integer.toString(EVENTS),
                        Integer.toString(COPIES), Integer.toString(THREADS), logs.resolve(node + ".results").toString());
        store.settings(run).forEach(builder::systemProperty);
        return builder.start(logs);
    }

    private static String first(Map<String, ?> map) {
        return map.isEmpty() ? "none" : map.entrySet().iterator().next().toString();
    }

    /** Reads {@code <event> ok <result>} lines into results by event. */
    private static void collect(Path file, Map<String, List<String>> received) throws IOException {
        for (String line : Files.readAllLines(file)) {
            String[] parts = line.split(" ", 3);
            assertThat(parts[1]).as("delivery %s", line).isEqualTo("ok");
            received.computeIfAbsent(parts[0], event -> new ArrayList<>()).add(parts[2]);
        }
    }
}
