package dev.idem.spring.boot.agentapp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The Idem javaagent and the starter in one application, each in a real JVM: every call is intercepted once.
 * A double interception would show as 9 attempts of a method that retries 3 times.
 */
class AgentAndStarterTest {

    @Test
    void withTheAgentTheAgentWeavesAndSpringOnlyValidates() throws Exception {
        Path agent = Path.of(System.getProperty("idem.agent.jar", "../../agent/target/idem-agent.jar"));
        assertThat(agent).as("the agent jar; build it with -pl agent -am").isRegularFile();
        assertThat(run("-javaagent:" + agent.toAbsolutePath()))
                .contains("IDEM-RESULT attempts=3 runs=1 result=done-a proxied=false");
    }

    @Test
    void withoutTheAgentTheStarterProxies() throws Exception {
        assertThat(run(null)).contains("IDEM-RESULT attempts=3 runs=1 result=done-a proxied=true");
    }

    private static String run(String agent) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (agent != null) {
            command.add(agent);
        }
        command.add("-Didem.store=memory");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(AgentApplication.class.getName());
        Path output = Files.createTempFile("idem-agent-app", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
            boolean exited = process.waitFor(120, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(exited).as("the application exited within 120 s:\n" + log).isTrue();
            assertThat(process.exitValue()).as("exit code; output:\n" + log).isZero();
            return log;
        } finally {
            Files.deleteIfExists(output);
        }
    }
}
