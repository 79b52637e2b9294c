package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.Greetings;
import dev.idem.it.app.GreetingsApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The agent never breaks the application: a method whose key expression names no parameter
 * ({@code @Idempotent(key = "#nope")}) does not stop the JVM; the application starts, the other methods of the
 * same class work (idempotent and plain), and each call of the broken method throws
 * {@code IdempotencyConfigurationException} naming the method and the expression, without running its body.
 */
@Timeout(120)
final class AgentNeverBreaksTheApplicationIT {

    @Test
    void aBadKeyExpressionFailsOnlyItsOwnMethodWithAClearError(TestInfo test) {
        try (ForkedJvm jvm = ForkedJvm.main("greetings", GreetingsApp.class).agent("idem.store=memory")
                .start(ItEnvironment.logDirectory(test))) {
            AppClient app = new AppClient(jvm);
            jvm.awaitLine("ready", ForkedJvm.STARTUP);

            assertThat(app.ok("plain x")).isEqualTo("plain-x");
            String greeting = app.ok("greet x");
            assertThat(app.ok("greet x")).as("the healthy method of the same class is deduplicated").isEqualTo(greeting);

            String error = app.error("broken x");
            assertThat(error).startsWith("IdempotencyConfigurationException")
                    .contains(Greetings.class.getSimpleName()).contains("broken").contains("#nope")
                    .doesNotContain("broken body ran");
            assertThat(app.error("broken y")).as("every call of it fails the same way")
                    .startsWith("IdempotencyConfigurationException").contains("#nope");
            assertThat(jvm.awaitStderr("#nope", ForkedJvm.STARTUP)).as("the agent logs it").contains("broken");

            assertThat(app.ok("greet x")).as("and the application goes on").isEqualTo(greeting);
            assertThat(app.ok("plain y")).isEqualTo("plain-y");
        }
    }
}
