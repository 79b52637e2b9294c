package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.OwnLogManagerApp;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The agent does not set up {@code java.util.logging} before the application has: an application that
 * installs its own {@code LogManager} in its {@code main} gets it, although the agent wove its main class
 * before {@code main} ran and (with Redis) Lettuce and Netty logged while the engine started. The agent's
 * own records from its start still reach the application's logging, once it has started. (With a JDBC
 * store the agent loads the application's JDBC drivers before {@code main}, and the PostgreSQL driver,
 * on this test's class path, sets up {@code java.util.logging} as it loads: docs/agent.md, Limits.)
 */
@Timeout(120)
final class OwnLogManagerIT {

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis"})
    void anApplicationThatInstallsItsOwnLogManagerInMainGetsIt(String storeKind, TestInfo test) {
        String store = storeKind.equals("redis") ? Servers.redisUrl() : storeKind;
        try (ForkedJvm jvm = ForkedJvm.main("own-log-manager", OwnLogManagerApp.class).agent("idem.store=" + store)
                .start(ItEnvironment.logDirectory(test))) {
            AppClient app = new AppClient(jvm);
            jvm.awaitLine("ready", ForkedJvm.STARTUP);

            String greeting = app.ok("greet x");
            assertThat(app.ok("greet x")).as("the woven method works").isEqualTo(greeting);
            assertThat(app.ok("logmanager")).isEqualTo(OwnLogManagerApp.AppLogManager.class.getName());

            assertThat(jvm.awaitStderr("ready in", ForkedJvm.STARTUP)).contains("store=" + store);
            assertThat(jvm.awaitStderr("is idempotent", ForkedJvm.STARTUP)).contains("OwnLogManagerApp#greet");
            if (storeKind.equals("redis")) {
                assertThat(jvm.awaitStderr("connected to the store", ForkedJvm.STARTUP)).contains(store);
            }
            app.ok("log visible");
            assertThat(jvm.awaitStderr("app says visible", ForkedJvm.STARTUP)).isNotEmpty();
        }
    }
}
