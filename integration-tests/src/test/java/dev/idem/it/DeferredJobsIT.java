package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idem.it.app.PayoutApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Deferred jobs end to end, in forked JVMs with the real agent on a shared durable store (PostgreSQL, then
 * Redis). {@code Payouts#settle} calls a downstream ledger over HTTP ({@link Downstream}, which the test takes
 * down and brings back); when its in-process retries are exhausted the call is deferred, and the agents' workers
 * run it again until the ledger answers. The ledger counts settlements per event: exactly one per event means
 * the effect happened once, and two requests of one event in flight together would mean a job ran twice at
 * the same time. A poison job, one no worker can run, goes {@code DEAD} with its reason, as the operator CLI
 * shows, while the others complete.
 */
@Timeout(300)
final class DeferredJobsIT {

    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration DRAIN = Duration.ofMinutes(3);

    @ParameterizedTest
    @EnumSource(SharedStore.class)
    void eventsThatArriveWhileTheDownstreamIsDownFor30sAreNotLostAndEachCompletesOnceWhenItReturns(SharedStore store,
            TestInfo test) throws IOException {
        store.require();
        String run = ItEnvironment.runId();
        String prefix = "evt-" + run;
        int events = 1_000;
        Path logs = ItEnvironment.logDirectory(test);
        try (Downstream ledger = Downstream.onFreePort();
                ForkedJvm a = start("a", store, run, ledger, 2, logs);
                ForkedJvm b = start("b", store, run, ledger, 2, logs)) {
            AppClient appA = new AppClient(a);
            AppClient appB = new AppClient(b);
            a.awaitLine("ready", ForkedJvm.STARTUP);
            b.awaitLine("ready", ForkedJvm.STARTUP);

            long outageStart = System.nanoTime();
            ledger.upAfter(OUTAGE);
            String burstA = appA.send(deliver(prefix, events, 2, logs.resolve("a.outage")));
            String burstB = appB.send(deliver(prefix, events, 2, logs.resolve("b.outage")));
            String answerA = AppClient.value("deliver", appA.answer(burstA));
            String answerB = AppClient.value("deliver", appB.answer(burstB));
            long arrived = (System.nanoTime() - outageStart) / 1_000_000;
            assertThat(arrived).as("all 4,000 deliveries were answered while the ledger was down")
                    .isLessThan(OUTAGE.toMillis());
            assertThat(answerA).as("a's deliveries, every one accepted for later").isEqualTo("ok=0 deferred=2000 errors=0");
            assertThat(answerB).as("b's deliveries, every one accepted for later").isEqualTo("ok=0 deferred=2000 errors=0");
            assertThat(ledger.isUp()).as("the ledger is still down").isFalse();
            await().atMost(OUTAGE.plusSeconds(10)).until(ledger::isUp);
            assertThat(ledger.settlementCount()).as("nothing reached the ledger while it was down").isZero();
            ledger.awaitSettled(events, DRAIN);

            assertSettledOnceEach(ledger, prefix, events);
            assertThat(nodesThatSettled(ledger)).as("both JVMs' workers ran jobs").containsExactlyInAnyOrder("a", "b");
            assertRedeliveriesReplayTheReceipts(appA, ledger, prefix, events, logs.resolve("a.replay"));
            assertRedeliveriesReplayTheReceipts(appB, ledger, prefix, events, logs.resolve("b.replay"));
        } finally {
            store.cleanUp(run);
        }
    }

    @ParameterizedTest
    @EnumSource(SharedStore.class)
    void twoWorkerJvmsShareTheDueJobsNoneRunsTwiceAtTheSameTimeAndNoneIsLeftBehind(SharedStore store, TestInfo test)
            throws IOException {
        store.require();
        String run = ItEnvironment.runId();
        String prefix = "job-" + run;
        int jobs = 400;
        Path logs = ItEnvironment.logDirectory(test);
        try (Downstream ledger = Downstream.onFreePort();
                ForkedJvm producer = start("producer", store, run, ledger, 0, logs);
                ForkedJvm a = start("a", store, run, ledger, 4, logs);
                ForkedJvm b = start("b", store, run, ledger, 4, logs)) {
            AppClient appProducer = new AppClient(producer);
            producer.awaitLine("ready", ForkedJvm.STARTUP);
            a.awaitLine("ready", ForkedJvm.STARTUP);
            b.awaitLine("ready", ForkedJvm.STARTUP);
            ledger.up();
            assertThat(new AppClient(a).ok(deliver("warm-a-" + run, 1, 1, logs.resolve("a.warm"))))
                    .as("a's service has handled a call, so its worker has a target").isEqualTo("ok=1 deferred=0 errors=0");
            assertThat(new AppClient(b).ok(deliver("warm-b-" + run, 1, 1, logs.resolve("b.warm"))))
                    .as("b's service has handled a call, so its worker has a target").isEqualTo("ok=1 deferred=0 errors=0");
            ledger.down();
            ledger.processingTime(Duration.ofMillis(20));

            assertThat(appProducer.ok(deliver(prefix, jobs, 1, logs.resolve("producer.deliver"))))
                    .as("the producer, which runs no worker, deferred every job").isEqualTo("ok=0 deferred=400 errors=0");
            String poison = "batch-" + run;
            assertThat(appProducer.error("reconcile " + poison)).as("a job no worker JVM has a target for")
                    .startsWith("IdempotencyDeferredException");
            ledger.up();
            ledger.awaitSettled(jobs + 2, DRAIN);

            assertSettledOnceEach(ledger, prefix, jobs);
            assertThat(ledger.overlapping()).as("jobs that ran twice at the same time").isEmpty();
            Map<String, Long> perNode = jobsPerNode(ledger, prefix);
            assertThat(perNode.keySet()).as("jobs run per worker JVM: %s", perNode).containsExactlyInAnyOrder("a", "b");
            assertRedeliveriesReplayTheReceipts(appProducer, ledger, prefix, jobs, logs.resolve("producer.replay"));
            assertThat(awaitDead(store, run, logs, "dev.idem.it.app.Reconciliation#reconcile", poison))
                    .as("idem show of the poison job").contains("no target");
        } finally {
            store.cleanUp(run);
        }
    }

    private static ForkedJvm start(String node, SharedStore store, String run, Downstream ledger, int workerThreads,
            Path logs) {
        ForkedJvm.Builder builder = ForkedJvm.main(node, PayoutApp.class).agent("idem.node=" + node)
                .systemProperty("idem.worker.threads", Integer.toString(workerThreads))
                .systemProperty("idem.worker.pollInterval", "250ms")
                .args(ledger.url(), node);
        store.settings(run).forEach(builder::systemProperty);
        return builder.start(logs);
    }

    /** Runs {@code idem --json show} until the job is {@code DEAD}; returns what it printed then. */
    private static String awaitDead(SharedStore store, String run, Path logs, String namespace, String id) {
        AtomicInteger attempts = new AtomicInteger();
        AtomicReference<String> shown = new AtomicReference<>("");
        await().atMost(DRAIN).pollInterval(Duration.ofMillis(500))
                .alias("the poison job " + namespace + ":" + id + " to be DEAD")
                .until(() -> {
                    shown.set(show(store, run, logs, namespace, id, attempts.incrementAndGet()));
                    return shown.get().contains("\"state\" : \"DEAD\"");
                });
        return shown.get();
    }

    private static String show(SharedStore store, String run, Path logs, String namespace, String id, int attempt) {
        List<String> command = new ArrayList<>(store.cliOptions(run));
        command.addAll(List.of("--json", "show", "-n", namespace, id));
        try (ForkedJvm cli = ForkedJvm.jar("idem-show-" + attempt, ItEnvironment.cliJar())
                .args(command.toArray(String[]::new)).start(logs)) {
            assertThat(cli.awaitExit(ForkedJvm.STARTUP)).as("idem show exit code; stderr: %s", cli.stderr()).isZero();
            return String.join("\n", cli.stdout());
        }
    }

    private static String deliver(String prefix, int events, int copies, Path results) {
        return "deliver " + prefix + " " + events + " " + copies + " 16 " + results;
    }

    private static void assertSettledOnceEach(Downstream ledger, String prefix, int events) {
        Map<String, List<Downstream.Settlement>> settled = new TreeMap<>(ledger.settlements());
        settled.keySet().removeIf(id -> !id.startsWith(prefix + "-"));
        assertThat(settled).as("events settled").hasSize(events);
        Map<String, Integer> notOnce = new TreeMap<>();
        settled.forEach((id, settlements) -> {
            if (settlements.size() != 1) {
                notOnce.put(id, settlements.size());
            }
        });
        assertThat(notOnce).as("events settled more than once").isEmpty();
        assertThat(ledger.overlapping()).as("events with two settlements in flight together").isEmpty();
    }

    private static Set<String> nodesThatSettled(Downstream ledger) {
        return ledger.settlements().values().stream().flatMap(List::stream).map(Downstream.Settlement::node)
                .collect(Collectors.toSet());
    }

    private static Map<String, Long> jobsPerNode(Downstream ledger, String prefix) {
        return ledger.settlements().entrySet().stream().filter(entry -> entry.getKey().startsWith(prefix + "-"))
                .flatMap(entry -> entry.getValue().stream())
                .collect(Collectors.groupingBy(Downstream.Settlement::node, TreeMap::new, Collectors.counting()));
    }

    /** Every event delivered again: each answers the ledger's one receipt, and the ledger sees no new request. */
    private static void assertRedeliveriesReplayTheReceipts(AppClient app, Downstream ledger, String prefix, int events,
            Path results) throws IOException {
        int before = ledger.settlementCount();
        assertThat(app.ok(deliver(prefix, events, 1, results))).as("redeliveries")
                .isEqualTo("ok=" + events + " deferred=0 errors=0");
        Map<String, List<Downstream.Settlement>> settled = ledger.settlements();
        List<String> wrong = Files.readAllLines(results).stream().filter(line -> {
            String[] parts = line.split(" ", 3);
            return !parts[2].equals(settled.get(parts[0]).get(0).receipt());
        }).collect(Collectors.toList());
        assertThat(wrong).as("redeliveries that did not get the ledger's receipt").isEmpty();
        assertThat(ledger.settlementCount()).as("settlements after the redeliveries").isEqualTo(before);
    }
}
