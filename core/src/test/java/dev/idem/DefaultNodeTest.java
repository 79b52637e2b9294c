package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default node id, {@code pid@host}, read in a JVM started with the environment each case needs: the
 * host comes from the environment when it names one, else from the kernel without a name-service lookup.
 */
class DefaultNodeTest {

    /** Prints {@link Idem#defaultNode()} and this JVM's pid. */
    public static final class PrintNode {
        public static void main(String[] args) {
            System.out.println(ProcessHandle.current().pid() + " " + Idem.defaultNode());
        }
    }

    @Test
    void theHostNameVariableNamesTheHost() throws Exception {
        String[] printed = printNode(Map.of("HOSTNAME", "payments-7f9c"));

        assertThat(printed[1]).isEqualTo(printed[0] + "@payments-7f9c");
    }

    @Test
    void theWindowsComputerNameVariableNamesTheHostWhenHostNameIsUnset() throws Exception {
        String[] printed = printNode(Map.of("COMPUTERNAME", "BILLING01"));

        assertThat(printed[1]).isEqualTo(printed[0] + "@BILLING01");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void withoutTheVariablesTheKernelsHostNameIsUsedOnLinuxWithoutALookup(@TempDir Path directory) throws Exception {
        String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
        Path noHosts = Files.createFile(directory.resolve("hosts"));

        // with a hosts file that names no host, a lookup of the host's own name fails
        String[] printed = printNode(Map.of(), "-Djdk.net.hosts.file=" + noHosts);

        assertThat(kernel).isNotEmpty();
        assertThat(printed[1]).isEqualTo(printed[0] + "@" + kernel);
    }

    @Test
    void aLongHostNameIsCutToAHundredCharacters() throws Exception {
        String host = "h".repeat(150);

        String[] printed = printNode(Map.of("HOSTNAME", host));

        assertThat(printed[1]).hasSize(100).isEqualTo((printed[0] + "@" + host).substring(0, 100));
    }

    /**
     * The pid and the node id printed by a JVM started with {@code options} whose environment has no host
     * variables but {@code hosts}.
     */
    private static String[] printNode(Map<String, String> hosts, String... options)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(options));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PrintNode.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("HOSTNAME");
        builder.environment().remove("COMPUTERNAME");
        builder.environment().putAll(hosts);
        builder.redirectErrorStream(true);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        String[] printed = output.split(" ", 2);
        assertThat(printed).as(output).hasSize(2);
        return printed;
    }
}
