package dev.idem.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged demo as a user does: {@code java -javaagent:idem-agent.jar -jar idem-demo.jar} in a
 * forked JVM, and reads its report. The demo module's tests run after {@code package} for that reason.
 */
class DemoTest {

    private static final Path AGENT = Path.of("..", "agent", "target", "idem-agent.jar");
    private static final Path DEMO = Path.of("target", "idem-demo.jar");
    private static final long TIMEOUT_SECONDS = 60;

    @TempDir
    Path workingDirectory;

    @Test
    void everyEventSettlesExactlyOnceDespiteDuplicatesRedeliveriesAndLedgerFailures() throws Exception {
        String report = run(List.of("-Didem.store=memory", "-javaagent:" + existing(AGENT)),
                "--events", "50", "--deliveries", "4", "--threads", "8", "--seed", "7")
                .expectExitCode(0);

        assertThat(number(report, "deliveries sent")).isEqualTo(200);
        assertThat(number(report, "unique events")).isEqualTo(50);
        assertThat(number(report, "bodies executed")).isEqualTo(50);
        assertThat(number(report, "duplicates replayed")).isEqualTo(200 - 50);
        assertThat(number(report, "ledger retries")).isPositive();
        assertThat(number(report, "ledger entries")).isEqualTo(50);
        Matcher total = Pattern.compile("ledger total +([\\d,.]+) USD +expected ([\\d,.]+) USD").matcher(report);
        assertThat(total.find()).as(report).isTrue();
        assertThat(total.group(1)).isEqualTo(total.group(2));
        assertThat(report).contains("RESULT: OK — every event settled exactly once");
    }

    @Test
    void withoutTheAgentItSaysHowToRunItInsteadOfReporting() throws Exception {
        String output = run(List.of(), "--events", "5").expectExitCode(2);

        assertThat(output).contains("the Idem agent is not attached")
                .contains("Run it with -javaagent:agent/target/idem-agent.jar")
                .doesNotContain("RESULT");
    }

    @Test
    void aBadOptionIsNamedWithTheUsage() throws Exception {
        String output = run(List.of(), "--events", "many").expectExitCode(2);

        assertThat(output).contains("--events needs a whole number, not 'many'").contains("usage:");
    }

    private Run run(List<String> jvmOptions, String... demoOptions) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-jar");
        command.add(existing(DEMO));
        command.addAll(List.of(demoOptions));
        Path output = workingDirectory.resolve("output.txt");
        Process process = new ProcessBuilder(command).directory(workingDirectory.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            fail("the demo did not finish in " + TIMEOUT_SECONDS + " s:\n" + Files.readString(output, StandardCharsets.UTF_8));
        }
        return new Run(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static String existing(Path jar) {
        assertThat(jar).as("%s is missing: build it with mvn -pl demo -am verify", jar.toAbsolutePath().normalize())
                .exists();
        return jar.toAbsolutePath().normalize().toString();
    }

    private static long number(String report, String label) {
        Matcher row = Pattern.compile("^  " + label + " +([\\d,]+)", Pattern.MULTILINE).matcher(report);
        assertThat(row.find()).as("no row '%s' in:%n%s", label, report).isTrue();
        return Long.parseLong(row.group(1).replace(",", ""));
    }

    /** A finished run of the demo: its exit code and its output, stdout and stderr together. */
    private record Run(int exitCode, String output) {
        String expectExitCode(int expected) {
            assertThat(exitCode).as("exit code; output:%n%s", output).isEqualTo(expected);
            return output;
        }
    }
}
