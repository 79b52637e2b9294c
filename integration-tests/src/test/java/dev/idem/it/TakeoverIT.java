package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.FulfilmentApp;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Two JVMs share a durable store; {@code Fulfilment#fulfil} has a 2 s lease and saves step {@code charge} (the
 * effect row) before it blocks. When the owner dies ({@code kill -9}) or freezes ({@code kill -STOP}) in the
 * middle of a call, the other JVM's duplicate waits for the lease to run out, takes the key over, resumes after
 * the saved step (the effect is not redone) and completes; a frozen owner that wakes up has its late completion
 * refused with {@code IdempotencyLeaseLostException}, and the stored result stays the new owner's.
 */
@Timeout(180)
final class TakeoverIT {

    @ParameterizedTest
    @EnumSource(SharedStore.class)
    void whenTheOwnerIsKilledMidCallAnotherJvmTakesOverAfterTheLeaseAndTheEffectHappensOnce(SharedStore store,
            TestInfo test) {
        try (Owners owners = Owners.start(store, test)) {
            awaitEntered(owners.a, owners.appA.send("fulfil " + owners.order), owners.order);
            owners.a.kill9();

            String result = owners.appB.ok("fulfil " + owners.order);
            assertThat(result).as("b took over and resumed after a's saved step")
                    .startsWith("fulfilled-by-b-after-charged-by-a ");
            assertThat(millis(result)).as("b waited for a's lease to run out").isGreaterThan(500);
            assertThat(resultOf(owners.appB.ok("fulfil " + owners.order))).as("a later duplicate replays b's result")
                    .isEqualTo(resultOf(result));
            assertThat(owners.effects.countsByEvent()).containsExactly(Map.entry(owners.order, 1L));
        }
    }

    @ParameterizedTest
    @EnumSource(SharedStore.class)
    void aPausedOwnerIsFencedOutItsLateCompletionIsRefusedAndTheNewOwnersResultStands(SharedStore store,
            TestInfo test) {
        try (Owners owners = Owners.start(store, test)) {
            String late = owners.appA.send("fulfil " + owners.order);
            awaitEntered(owners.a, late, owners.order);
            owners.a.pause();

            String result = resultOf(owners.appB.ok("fulfil " + owners.order));
            assertThat(result).as("b took over and resumed after a's saved step")
                    .isEqualTo("fulfilled-by-b-after-charged-by-a");

            String release = owners.appA.send("release");
            owners.a.resume();
            assertThat(owners.appA.answer(release)).isEqualTo("ok released");
            assertThat(AppClient.failure("fulfil", owners.appA.answer(late))).as("a's late completion is refused")
                    .startsWith("IdempotencyLeaseLostException");

            assertThat(resultOf(owners.appB.ok("fulfil " + owners.order))).as("the stored result is b's").isEqualTo(result);
            assertThat(resultOf(owners.appA.ok("fulfil " + owners.order))).as("a, too, now gets b's result").isEqualTo(result);
            assertThat(owners.effects.countsByEvent()).as("the charge ran once").containsExactly(Map.entry(owners.order, 1L));
        }
    }

    /**
     * The two nodes of one run, a (which blocks inside its calls) and b, sharing {@code store} and an effects
     * table; {@link #close()} stops them and removes what the run left in the store.
     */
    private static final class Owners implements AutoCloseable {
        final SharedStore store;
        final String run = ItEnvironment.runId();
        final String order = "order-" + run;
        final EffectsTable effects;
        final ForkedJvm a;
        final ForkedJvm b;
        final AppClient appA;
        final AppClient appB;

        private Owners(SharedStore store, Path logs) {
            this.store = store;
            this.effects = EffectsTable.create(run);
            this.a = node("a", true, logs);
            try {
                this.b = node("b", false, logs);
            } catch (RuntimeException e) {
                a.close();
                effects.close();
                throw e;
            }
            this.appA = new AppClient(a);
            this.appB = new AppClient(b);
        }

        static Owners start(SharedStore store, TestInfo test) {
            store.require();
            Owners owners = new Owners(store, ItEnvironment.logDirectory(test));
            try {
                owners.a.awaitLine("ready", ForkedJvm.STARTUP);
                owners.b.awaitLine("ready", ForkedJvm.STARTUP);
                return owners;
            } catch (RuntimeException | AssertionError e) {
                owners.close();
                throw e;
            }
        }

        private ForkedJvm node(String node, boolean block, Path logs) {
            ForkedJvm.Builder builder = ForkedJvm.main(node, FulfilmentApp.class).agent("idem.node=" + node)
                    .systemProperty("it.block", Boolean.toString(block))
                    .args(Servers.postgresUrl(), effects.name(), node);
            store.settings(run).forEach(builder::systemProperty);
            return builder.start(logs);
        }

        @Override
        public void close() {
            try {
                b.close();
                a.close();
                effects.close();
            } finally {
                store.cleanUp(run);
            }
        }
    }

    /** Waits until a's call of {@code order} (request {@code tag}) has saved its step and blocks. */
    private static void awaitEntered(ForkedJvm a, String tag, String order) {
        String entered = "entered order=" + order + " ";
        assertThat(a.awaitLine(line -> line.startsWith(entered) || line.startsWith(tag + " "),
                "'" + entered + "...' (or the call's answer)", AppClient.ANSWER))
                .as("a saved step charge and blocks").isEqualTo(entered + "charge=charged-by-a");
    }

    /** {@code <result> millis=<n>} → the result. */
    private static String resultOf(String answer) {
        return answer.substring(0, answer.lastIndexOf(" millis="));
    }

    /** {@code <result> millis=<n>} → n. */
    private static long millis(String answer) {
        return Long.parseLong(answer.substring(answer.lastIndexOf(" millis=") + 8));
    }
}
