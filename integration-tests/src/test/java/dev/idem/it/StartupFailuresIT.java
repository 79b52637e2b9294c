package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.Billing;
import dev.idem.it.app.BillingApp;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bad setting stops the JVM before {@code main} runs, with exit status 78 and a message naming the setting;
 * a store that is down at startup is not a bad setting: the application starts and its idempotent calls fail
 * closed with {@code IdempotencyStoreUnavailableException}, without running the body.
 */
@Timeout(180)
final class StartupFailuresIT {

    private static final int EX_CONFIG = 78;
    private static final Duration EXIT = Duration.ofSeconds(20);
    private static final String CHARGE = "idem.pointcut.charge.method=" + Billing.class.getName() + "#charge";

    @Test
    void aMisspelledSettingStopsTheJvmBeforeMainAndNamesTheSetting(TestInfo test) {
        assertStopsBeforeMain(test, "idem.stor=memory", "unknown setting idem.stor");
    }

    @Test
    void aBadDurationInAPointcutStopsTheJvmAndNamesTheSetting(TestInfo test) {
        assertStopsBeforeMain(test, "idem.store=memory," + CHARGE + ",idem.pointcut.charge.lease=two seconds",
                "idem.pointcut.charge.lease");
    }

    @Test
    void aStoreThatIdemDoesNotKnowStopsTheJvmAndNamesTheSetting(TestInfo test) {
        assertStopsBeforeMain(test, "idem.store=memroy," + CHARGE, "idem.store");
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis://127.0.0.1:1", "jdbc:postgresql://127.0.0.1:1/test?user=postgres"})
    void aStoreThatIsDownAtStartupIsNotABadSettingCallsFailClosed(String store, TestInfo test) {
        try (ForkedJvm jvm = ForkedJvm.main("billing", BillingApp.class)
                .agent("idem.store=" + store + "," + CHARGE + ",idem.pointcut.charge.key=#invoiceId")
                .start(ItEnvironment.logDirectory(test))) {
            AppClient app = new AppClient(jvm);
            jvm.awaitLine("ready", ForkedJvm.STARTUP);
            assertThat(app.error("charge inv-1 100")).as("the call fails closed")
                    .startsWith("IdempotencyStoreUnavailableException");
            assertThat(app.executions("charge", "inv-1")).as("the body did not run").isZero();
            assertThat(app.error("charge inv-1 100")).startsWith("IdempotencyStoreUnavailableException");
            assertThat(app.executions("charge", "inv-1")).isZero();
            assertThat(app.error("flaky req-1")).as("an unwoven method runs as it did")
                    .startsWith("IllegalStateException: downstream unavailable (attempt 1 ");
        }
    }

    private static void assertStopsBeforeMain(TestInfo test, String agentSettings, String named) {
        try (ForkedJvm jvm = ForkedJvm.main("billing", BillingApp.class).agent(agentSettings)
                .start(ItEnvironment.logDirectory(test))) {
            assertThat(jvm.awaitExit(EXIT)).as("exit status; stderr: %s", jvm.stderr()).isEqualTo(EX_CONFIG);
            assertThat(jvm.stderr()).contains(named).contains("stopping the JVM");
            assertThat(jvm.stdout()).as("main did not run").isEmpty();
        }
    }
}
