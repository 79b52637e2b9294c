package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.Billing;
import dev.idem.it.app.BillingApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Config-only pointcuts: {@link Billing} has no Idem annotations, and the agent makes {@code charge} idempotent
 * (keyed by the invoice) and {@code flaky} retryable from settings alone, given as system properties or in the
 * properties file named by {@code idem.config}; on Java 17 and on Java 25. Also checks the documented
 * precedence: system property, then environment variable, then properties file, then agent arguments.
 */
@Timeout(180)
final class ConfigPointcutIT {

    private static final Map<String, String> POINTCUTS = Map.of(
            "idem.store", "memory",
            "idem.pointcut.charge.method", Billing.class.getName() + "#charge",
            "idem.pointcut.charge.key", "#invoiceId",
            "idem.pointcut.flaky.method", Billing.class.getName() + "#flaky(java.lang.String)",
            "idem.pointcut.flaky.idempotent", "false",
            "idem.pointcut.flaky.retry.maxAttempts", "3",
            "idem.pointcut.flaky.retry.delay", "10ms");

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void pointcutsFromSystemPropertiesMakeALegacyClassIdempotentAndRetryable(Jdk jdk, TestInfo test) {
        ForkedJvm.Builder builder = ForkedJvm.main("billing", BillingApp.class).jdk(jdk).agent("");
        POINTCUTS.forEach(builder::systemProperty);
        try (ForkedJvm jvm = builder.start(ItEnvironment.logDirectory(test))) {
            assertDeduplicatesAndRetries(jvm, jdk);
        }
    }

    @ParameterizedTest
    @EnumSource(Jdk.class)
    void pointcutsFromThePropertiesFileNamedByIdemConfigWorkToo(Jdk jdk, TestInfo test) throws IOException {
        Path logs = ItEnvironment.logDirectory(test);
        Path file = logs.resolve("idem.properties");
        StringBuilder properties = new StringBuilder("# config-only pointcuts for a class without annotations\n");
        POINTCUTS.forEach((key, value) -> properties.append(key).append(" = ").append(value).append('\n'));
        Files.writeString(file, properties);
        try (ForkedJvm jvm = ForkedJvm.main("billing", BillingApp.class).jdk(jdk)
                .agent("idem.config=" + file).start(logs)) {
            assertDeduplicatesAndRetries(jvm, jdk);
        }
    }

    @Test
    void aSystemPropertyBeatsTheEnvironmentWhichBeatsTheFileWhichBeatsTheAgentArguments(TestInfo test)
            throws IOException {
        Path logs = ItEnvironment.logDirectory(test);
        Path file = logs.resolve("idem.properties");
        Files.writeString(file, String.join("\n",
                "idem.pointcut.charge.key = #invoiceId",
                "idem.node = from-file",
                "idem.pointcut.flaky.retry.maxAttempts = 2",
                ""));
        try (ForkedJvm jvm = ForkedJvm.main("billing", BillingApp.class)
                .agent("idem.store=redis://127.0.0.1:1,idem.node=from-arguments"
                        + ",idem.pointcut.charge.method=" + Billing.class.getName() + "#charge"
                        + ",idem.pointcut.charge.key=#cents"
                        + ",idem.pointcut.flaky.method=" + Billing.class.getName() + "#flaky"
                        + ",idem.pointcut.flaky.idempotent=false,idem.pointcut.flaky.retry.delay=1ms")
                .environment("IDEM_CONFIG", file.toString())
                .environment("IDEM_STORE", "memory")
                .environment("IDEM_NODE", "from-environment")
                .systemProperty("idem.node", "from-system-property")
                .systemProperty("idem.pointcut.flaky.retry.maxAttempts", "3")
                .start(logs)) {
            AppClient app = new AppClient(jvm);
            jvm.awaitLine("ready", ForkedJvm.STARTUP);
            String first = app.ok("charge inv-a 500");
            assertThat(app.ok("charge inv-a 500")).as("the store is memory (environment over arguments)").isEqualTo(first);
            assertThat(app.ok("charge inv-b 500")).as("the key is #invoiceId (file over arguments)").isNotEqualTo(first);
            assertThat(app.executions("charge", "inv-b")).isEqualTo(1);
            assertThat(app.ok("flaky req-1")).as("3 attempts (system property over file)")
                    .isEqualTo("accepted-req-1-on-attempt-3");
            assertThat(jvm.awaitStderr("ready in", ForkedJvm.STARTUP))
                    .as("the startup line names the store and the node (system property over environment)")
                    .contains("store=memory", "node=from-system-property");
        }
    }

    private static void assertDeduplicatesAndRetries(ForkedJvm jvm, Jdk jdk) {
        AppClient app = new AppClient(jvm);
        assertThat(jvm.awaitLine("main started", ForkedJvm.STARTUP)).isEqualTo("main started java=" + jdk.feature());
        jvm.awaitLine("ready", ForkedJvm.STARTUP);

        String first = app.ok("charge inv-1 100");
        assertThat(app.ok("charge inv-1 100")).as("a duplicate replays the first result").isEqualTo(first);
        assertThat(app.ok("charge inv-1 100")).isEqualTo(first);
        assertThat(app.executions("charge", "inv-1")).as("the body ran once").isEqualTo(1);
        assertThat(app.ok("charge inv-2 100")).as("another invoice runs").isNotEqualTo(first).startsWith("receipt-inv-2-");
        assertThat(app.error("charge inv-1 999")).as("the same invoice with another amount is refused")
                .startsWith("IdempotencyKeyMismatchException");
        assertThat(app.executions("charge", "inv-1")).isEqualTo(1);

        assertThat(app.ok("flaky req-1")).as("two failures are retried within one call")
                .isEqualTo("accepted-req-1-on-attempt-3");
        assertThat(app.executions("flaky", "req-1")).isEqualTo(3);

        String startup = jvm.awaitStderr("ready in", ForkedJvm.STARTUP);
        assertThat(startup).contains("store=memory", "charge", "flaky");
        jvm.awaitStderr(Billing.class.getName() + "#charge is idempotent", ForkedJvm.STARTUP);
    }
}
