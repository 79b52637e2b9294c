package dev.idem.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.idem.DeferredWorker;
import dev.idem.Idem;
import dev.idem.annotation.IdempotencyDeferredException;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.RecordState;
import dev.idem.store.jdbc.JdbcStore;
import dev.idem.store.redis.RedisStore;
import dev.idem.testing.ReflectiveWeaver;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The idem command against real PostgreSQL and Redis stores. */
class IdemCliTest {

    static final String POSTGRES = System.getenv().getOrDefault("IDEM_TEST_POSTGRES_URL",
            "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    static final String REDIS = System.getenv().getOrDefault("IDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    /** A payout whose gateway is down until the test brings it up. */
    public static class Payouts {
        final AtomicBoolean up = new AtomicBoolean();

        @Idempotent(key = "#id", name = "cli-payouts")
        @Retryable(maxAttempts = 1, defer = true, deferMaxAttempts = 1, deferDelay = "1ms", deferMaxDelay = "2ms")
        public String send(String id) {
            if (!up.get()) {
                throw new IllegalStateException("gateway down");
            }
            return "sent " + id;
        }
    }

    record Run(int exitCode, String out, String err) {
    }

    static Stream<String> stores() {
        return Stream.of(POSTGRES, REDIS);
    }

    private static IdempotencyStore open(String url) {
        try {
            return url.startsWith("jdbc:") ? JdbcStore.builder().url(url).createSchema(true).build()
                    : RedisStore.builder().uri(url).build();
        } catch (RuntimeException e) {
            return Assertions.fail("the store " + url + " is not reachable; start it (see scripts/services.sh): " + e, e);
        }
    }

    private static Run idem(String store, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = Stream.concat(Stream.of("--store", store), Stream.of(args)).toArray(String[]::new);
        int code = IdemCli.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
        return new Run(code, out.toString(), err.toString());
    }

    @ParameterizedTest
    @MethodSource("stores")
    void operatorsSeeADeadJobRequeueItAndItCompletes(String url) {
        String id = UUID.randomUUID().toString();
        String key = "cli-payouts:" + id;
        Payouts payouts = new Payouts();
        try (IdempotencyStore store = open(url); Idem idem = Idem.builder().store(store).node("cli-test").build()) {
            DeferredWorker worker = DeferredWorker.builder(idem).targets(DeferredWorker.Targets.of(List.of(payouts))).build();
            ReflectiveWeaver weaver = new ReflectiveWeaver(idem);
            Assertions.assertThrows(IdempotencyDeferredException.class, () -> weaver.call(payouts, "send", id));
            await().atMost(10, TimeUnit.SECONDS).until(() -> {
                worker.runDue();
                return store.find(key).orElseThrow().state() == RecordState.DEAD;
            });

            Run dead = idem(url, "list", "--state", "DEAD", "--since", "10m", "-n", "cli-payouts");
            assertThat(dead.exitCode()).isZero();
            assertThat(dead.out()).contains(key).contains("DEAD").contains("gateway down");
            Run show = idem(url, "show", "-n", "cli-payouts", id);
            assertThat(show.out()).contains("state          DEAD").contains("invocation").contains("#send(java.lang.String)");

            payouts.up.set(true);
            Run requeue = idem(url, "requeue", key);
            assertThat(requeue.exitCode()).isZero();
            assertThat(requeue.out()).contains("requeued");
            assertThat(worker.runDue()).isEqualTo(1);

            Run completed = idem(url, "--json", "show", key);
            assertThat(completed.out()).contains("\"state\" : \"COMPLETED\"").contains("sent " + id);
            Run history = idem(url, "history", key);
            assertThat(history.out()).contains("CLAIMED").contains("SCHEDULED").contains("DEAD").contains("REQUEUED")
                    .contains("RESUMED").contains("COMPLETED");
            assertThat(history.out().indexOf("REQUEUED")).isLessThan(history.out().lastIndexOf("COMPLETED"));
        }
    }

    @ParameterizedTest
    @MethodSource("stores")
    void exitCodesTellScriptsWhatHappened(String url) {
        try (IdempotencyStore store = open(url)) {
            assertThat(store).isNotNull();
        }
        String unknown = "cli-missing:" + UUID.randomUUID();

        Run missing = idem(url, "show", unknown);
        assertThat(missing.exitCode()).isEqualTo(IdemCli.NOT_FOUND);
        assertThat(missing.err()).contains("no record for key '" + unknown + "'");
        assertThat(idem(url, "requeue", unknown).exitCode()).isEqualTo(IdemCli.NOT_FOUND);
        assertThat(idem(url, "cancel", unknown).exitCode()).isEqualTo(IdemCli.NOT_FOUND);

        Run stats = idem(url, "--json", "stats");
        assertThat(stats.exitCode()).isZero();
        assertThat(stats.out()).contains("\"COMPLETED\"").contains("\"DEAD\"");
        assertThat(idem(url, "purge", "--expired").exitCode()).isZero();
        assertThat(idem(url, "list", "--since", "soon").exitCode()).isEqualTo(IdemCli.REFUSED);
        assertThat(idem(url, "list", "--state", "SLEEPING").exitCode()).isEqualTo(2);
    }

    @ParameterizedTest
    @MethodSource("stores")
    void aCompletedKeyCannotBeRequeued(String url) {
        String id = UUID.randomUUID().toString();
        Payouts payouts = new Payouts();
        payouts.up.set(true);
        try (IdempotencyStore store = open(url); Idem idem = Idem.builder().store(store).build()) {
            new ReflectiveWeaver(idem).call(payouts, "send", id);
        }

        Run requeue = idem(url, "requeue", "cli-payouts:" + id);

        assertThat(requeue.exitCode()).isEqualTo(IdemCli.WRONG_STATE);
        assertThat(requeue.err()).contains("not a dead or scheduled job");
    }

    @org.junit.jupiter.api.Test
    void aBadUrlOrAStoreThatIsDownGetAClearErrorAndTheirOwnExitCode() {
        Run bogus = idem("bogus", "stats");
        assertThat(bogus.exitCode()).isEqualTo(IdemCli.REFUSED);
        assertThat(bogus.err()).contains("'bogus' is not a store URL");
        Run down = idem("redis://127.0.0.1:1", "stats");
        assertThat(down.exitCode()).isEqualTo(IdemCli.UNAVAILABLE);
        assertThat(down.err()).contains("127.0.0.1").contains("try again");
        Run noStore = idem("", "stats");
        assertThat(noStore.exitCode()).isEqualTo(IdemCli.REFUSED);
        assertThat(noStore.err()).contains("--store");
    }
}
