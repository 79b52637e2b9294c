package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.Billing;
import dev.idem.it.app.BillingApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Several JVMs started at the same moment with a freshly deployed agent, as after a rollout: they all unpack
 * the agent's nested jars into the same (empty) cache folder at once, and every one of them must start the
 * agent and deduplicate; none may run the application without Idem.
 */
@Timeout(180)
final class ConcurrentStartupIT {

    private static final int JVMS = 4;

    @Test
    void jvmsThatStartTogetherWithAFreshAgentAllRunWithIdem(TestInfo test) throws IOException {
        Path logs = ItEnvironment.logDirectory(test);
        Path freshTmp = Files.createDirectories(logs.resolve("tmp"));
        List<ForkedJvm> jvms = new ArrayList<>();
        try {
            for (int i = 0; i < JVMS; i++) {
                jvms.add(ForkedJvm.main("billing" + i, BillingApp.class)
                        .agent("idem.store=memory,idem.pointcut.charge.method=" + Billing.class.getName() + "#charge")
                        .systemProperty("java.io.tmpdir", freshTmp.toString())
                        .start(logs));
            }
            for (ForkedJvm jvm : jvms) {
                AppClient app = new AppClient(jvm);
                jvm.awaitLine("ready", ForkedJvm.STARTUP);
                String first = app.ok("charge inv-1 100");
                assertThat(app.ok("charge inv-1 100")).as("%s deduplicates; stderr:%n%s", jvm, jvm.stderr())
                        .isEqualTo(first);
                jvm.awaitStderr("ready in", ForkedJvm.STARTUP);
                assertThat(jvm.stderr()).as("%s", jvm).doesNotContain("WITHOUT Idem");
            }
        } finally {
            jvms.forEach(ForkedJvm::close);
        }
    }
}
