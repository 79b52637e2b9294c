package dev.idem.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentArgumentsTest {

    @Test
    void entriesAreCommaSeparatedAndClusterSeedsNeedNoEscaping() {
        Map<String, String> settings = AgentArguments.parse(
                "idem.store=redis://a:7001,redis://b:7002?timeout=5s,idem.node=node-1,idem.pointcut.c.key=#a + ','");

        assertThat(settings).containsExactly(
                Map.entry("idem.store", "redis://a:7001,redis://b:7002?timeout=5s"),
                Map.entry("idem.node", "node-1"),
                Map.entry("idem.pointcut.c.key", "#a + ','"));
    }

    @Test
    void nothingGivesNoSettingsAndATokenBeforeAnySettingIsRefused() {
        assertThat(AgentArguments.parse(null)).isEmpty();
        assertThat(AgentArguments.parse(" ")).isEmpty();
        assertThatThrownBy(() -> AgentArguments.parse("redis://a:6379")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("redis://a:6379").hasMessageContaining("idem.store=");
    }

    @Test
    void theAttachCommandExplainsItsUsage() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);

        assertThat(Attach.run(new String[] {"--help"}, stdout, stderr)).isZero();
        assertThat(Attach.run(new String[] {"attach", "not-a-pid"}, stdout, stderr)).isEqualTo(2);
        assertThat(Attach.run(new String[] {"attach", "1", "oops"}, stdout, stderr)).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("attach <pid>");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("attach <pid>").contains("'oops' is not a setting");
    }
}
