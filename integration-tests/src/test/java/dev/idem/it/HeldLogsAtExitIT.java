package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.OneCallApp;
import java.time.Duration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * An application that returns from {@code main} right after its first woven call still gets the agent's
 * held log records, the startup line among them: the first call starts writing them, and the JVM waits for
 * that instead of exiting under it (when {@code java.util.logging}'s own exit hook could close its handler
 * while the records were being written). Repeated, because whether the exit overtook the writing depended on
 * timing.
 */
@Timeout(60)
final class HeldLogsAtExitIT {

    @RepeatedTest(6)
    void anApplicationThatEndsRightAfterItsFirstCallStillLogsTheStartupLine(TestInfo test) {
        try (ForkedJvm jvm = ForkedJvm.main("one-call", OneCallApp.class).agent("idem.store=memory").args("exit-1")
                .start(ItEnvironment.logDirectory(test))) {
            assertThat(jvm.awaitExit(Duration.ofSeconds(30))).isZero();
            assertThat(jvm.stdout()).as("the woven call ran").anyMatch(line -> line.contains("exit-1"));
            assertThat(jvm.stderr()).contains("ready in", "store=memory", "Greetings#greet is idempotent");
        }
    }
}
