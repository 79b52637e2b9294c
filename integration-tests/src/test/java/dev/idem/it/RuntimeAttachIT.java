package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.Billing;
import dev.idem.it.app.BillingApp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code java -jar idem-agent.jar attach <pid> <settings>} on a JVM that is already running, started without the
 * agent, whose {@link Billing} class (no Idem annotations) is loaded and has been called: the attach weaves it by
 * retransformation, after which duplicates are replayed; before it they were not. Retransformation must not
 * cost the class its parameter names (compiled with {@code -parameters}), which key expressions and the
 * application itself read. An attach with a bad setting is refused and leaves the application running as it was.
 * On Java 17 and Java 25.
 */
@Timeout(180)
final class RuntimeAttachIT {

    private static final Duration ATTACH = Duration.ofSeconds(60);
    private static final String CHARGE = "idem.store=memory,idem.pointcut.charge.method=" + Billing.class.getName()
            + "#charge";

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void anAttachedAgentMakesAnAlreadyLoadedClassIdempotent(Jdk jdk, TestInfo test) {
        Path logs = ItEnvironment.logDirectory(test);
        try (ForkedJvm jvm = ForkedJvm.main("billing", BillingApp.class).jdk(jdk).start(logs)) {
            AppClient app = new AppClient(jvm);
            assertThat(jvm.awaitLine("main started", ForkedJvm.STARTUP)).isEqualTo("main started java=" + jdk.feature());
            jvm.awaitLine("ready", ForkedJvm.STARTUP);
            String before = app.ok("charge inv-1 100");
            assertThat(app.ok("charge inv-1 100")).as("without the agent a duplicate runs again").isNotEqualTo(before);
            assertThat(app.executions("charge", "inv-1")).isEqualTo(2);

            assertThat(attach(jdk, jvm, CHARGE + ",idem.pointcut.charge.key=#p0", logs)).isZero();
            assertThat(jvm.awaitStderr("attached, ready in", ATTACH)).contains("store=memory");

            String first = app.ok("charge inv-2 100");
            assertThat(app.ok("charge inv-2 100")).as("after the attach a duplicate is replayed").isEqualTo(first);
            assertThat(app.executions("charge", "inv-2")).isEqualTo(1);
            String again = app.ok("charge inv-1 100");
            assertThat(app.ok("charge inv-1 100")).isEqualTo(again);
            assertThat(app.executions("charge", "inv-1")).as("2 runs before the attach, 1 after").isEqualTo(3);
        }
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void anAttachKeepsTheParameterNamesOfTheClassesItRetransforms(Jdk jdk, TestInfo test) {
        Path logs = ItEnvironment.logDirectory(test);
        try (ForkedJvm jvm = ForkedJvm.main("billing", BillingApp.class).jdk(jdk).start(logs)) {
            AppClient app = new AppClient(jvm);
            jvm.awaitLine("ready", ForkedJvm.STARTUP);
            app.ok("charge inv-1 100");
            assertThat(app.ok("parameters charge")).isEqualTo("invoiceId,cents");

            assertThat(attach(jdk, jvm, CHARGE + ",idem.pointcut.charge.key=#invoiceId", logs)).isZero();
            jvm.awaitStderr("attached, ready in", ATTACH);

            assertThat(app.ok("parameters charge")).as("the application still sees the parameter names")
                    .isEqualTo("invoiceId,cents");
            String first = app.ok("charge inv-2 100");
            assertThat(app.ok("charge inv-2 100")).as("a key expression by parameter name works").isEqualTo(first);
        }
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void anAttachWithABadSettingIsRefusedAndTheApplicationRunsOn(Jdk jdk, TestInfo test) {
        Path logs = ItEnvironment.logDirectory(test);
        try (ForkedJvm jvm = ForkedJvm.main("billing", BillingApp.class).jdk(jdk).start(logs)) {
            AppClient app = new AppClient(jvm);
            jvm.awaitLine("ready", ForkedJvm.STARTUP);
            app.ok("charge inv-1 100");

            assertThat(attach(jdk, jvm, "idem.stor=memory", logs)).as("the attach is refused").isNotZero();
            assertThat(jvm.awaitStderr("idem.stor", ATTACH)).as("the application's log names the bad setting")
                    .contains("unknown setting idem.stor");

            assertThat(app.ok("charge inv-1 100")).as("the application still answers, unwoven").startsWith("receipt-inv-1-");
            assertThat(app.executions("charge", "inv-1")).isEqualTo(2);
            jvm.send("exit");
            assertThat(jvm.awaitExit(ATTACH)).isZero();
        }
    }

    /** Runs {@code java -jar idem-agent.jar attach <pid> <settings>} on {@code jdk}; returns its exit code. */
    private static int attach(Jdk jdk, ForkedJvm target, String settings, Path logs) {
        try (ForkedJvm attach = ForkedJvm.jar("attach", ItEnvironment.agentJar()).jdk(jdk)
                .args("attach", Long.toString(target.pid()), settings).start(logs)) {
            int exit = attach.awaitExit(ATTACH);
            if (exit == 0) {
                assertThat(attach.stdout()).contains("Idem agent attached to JVM " + target.pid());
            }
            return exit;
        }
    }
}
