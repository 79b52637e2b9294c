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
 * before {@code main} ran and (with Redis and H2) Lettuce, Netty and HikariCP logged while the engine
 * started. The agent's own records from its start still reach the application's logging, once it has
 * started. The H2 case also shows that the agent no longer loads the application's JDBC drivers (the
 * PostgreSQL driver on this test's class path would set up {@code java.util.logging} as it loads).
 * A PostgreSQL store is left out: its own driver does that (docs/agent.md, Limits).
 */
@Timeout(120)
final class OwnLogManagerIT {

    @ParameterizedTest
    @ValueSource(strings = {"memory", "redis", "h2"})
    void anApplicationThatInstallsItsOwnLogManagerInMainGetsIt(String storeKind, TestInfo test) {
        String store = switch (storeKind) {
            case "redis" -> Servers.redisUrl();
            case "h2" -> "jdbc:h2:mem:own-log-manager;DB_CLOSE_DELAY=-1";
            default -> storeKind;
        };
        try (ForkedJvm jvm = ForkedJvm.main("own-log-manager", OwnLogManagerApp.class).agent("idem.store=" + store)
                .start(ItEnvironment.logDirectory(test))) {
            AppClient app = new AppClient(jvm);
            jvm.awaitLine("ready", ForkedJvm.STARTUP);

            String greeting = app.ok("greet x");
            assertThat(app.ok("greet x")).as("the woven method works").isEqualTo(greeting);
            assertThat(app.ok("logmanager")).isEqualTo(OwnLogManagerApp.AppLogManager.class.getName());

            assertThat(jvm.awaitStderr("ready in", ForkedJvm.STARTUP)).contains("store=" + store);
            assertThat(jvm.awaitStderr("is idempotent", ForkedJvm.STARTUP)).contains("OwnLogManagerApp#greet");
            if (!storeKind.equals("memory")) {
                assertThat(jvm.awaitStderr("connected to the store", ForkedJvm.STARTUP)).contains(store);
            }
            if (storeKind.equals("h2")) {
                assertThat(jvm.awaitStderr("Start completed", ForkedJvm.STARTUP)).as("HikariCP's line, held back too")
                        .isNotEmpty();
            }
            app.ok("log visible");
            assertThat(jvm.awaitStderr("app says visible", ForkedJvm.STARTUP)).isNotEmpty();
        }
    }
}
