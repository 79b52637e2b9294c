package dev.idem.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.it.app.OwnLibrariesApp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An application with its own Jackson, Lettuce and Netty, other versions than those inside the agent, talks to
 * Redis through its own Lettuce while the agent keeps its records in its own store (Redis or PostgreSQL) through
 * its isolated copies. Both work in one JVM: the application sees exactly its own versions and jars, and its
 * idempotent method, whose body increments a Redis counter, runs once per event (every counter ends at 1).
 */
@Timeout(180)
final class OwnLibrariesIT {

    private static final int EVENTS = 40;
    private static final int COPIES = 3;
    private static final Pattern DELIVERY = Pattern.compile("delivery event=(\\S+) counter=(\\d+) json=(.*)");

    @ParameterizedTest
    @EnumSource(SharedStore.class)
    void theApplicationKeepsItsOwnLibrariesAndIsStillIdempotent(SharedStore store, TestInfo test) throws IOException {
        store.require();
        Servers.requireRedis();
        String run = ItEnvironment.runId();
        ForkedJvm.Builder builder = ForkedJvm.main("shipping", OwnLibrariesApp.class).ownLibraries().agent("")
                .args(Servers.redisUrl(), "it-" + run, Integer.toString(EVENTS), Integer.toString(COPIES));
        store.settings(run).forEach(builder::systemProperty);
        try (ForkedJvm jvm = builder.start(ItEnvironment.logDirectory(test))) {
            String versions = jvm.awaitLine("versions ", ForkedJvm.STARTUP);
            String jars = jvm.awaitLine("jars ", ForkedJvm.STARTUP);
            assertThat(jvm.awaitLine("done", AppClient.ANSWER)).as("the first failed delivery: %s", jvm.stdout().stream()
                    .filter(line -> line.startsWith("delivery error")).findFirst().orElse("none"))
                    .isEqualTo("done errors=0");
            assertThat(jvm.awaitExit(ForkedJvm.STARTUP)).isZero();

            Map<String, String> agent = agentLibraryVersions();
            assertThat(versions).contains("jackson=" + ItEnvironment.appJacksonVersion(),
                    "lettuce=" + ItEnvironment.appLettuceVersion());
            String netty = versions.substring(versions.indexOf("netty=") + 6);
            assertThat(ItEnvironment.appJacksonVersion()).as("the agent's Jackson differs").isNotEqualTo(agent.get("jackson-databind"));
            assertThat(ItEnvironment.appLettuceVersion()).as("the agent's Lettuce differs").isNotEqualTo(agent.get("lettuce-core"));
            assertThat(netty).as("the agent's Netty differs").isNotEqualTo(agent.get("netty-common"));
            assertThat(jars).contains("jackson-databind-" + ItEnvironment.appJacksonVersion() + ".jar",
                    "lettuce-core-" + ItEnvironment.appLettuceVersion() + ".jar", "netty-common-" + netty + ".jar")
                    .doesNotContain("idem-agent");

            Map<String, List<String>> deliveries = new TreeMap<>();
            for (String line : jvm.stdout()) {
                Matcher delivery = DELIVERY.matcher(line);
                if (delivery.matches()) {
                    assertThat(delivery.group(2)).as("%s: the body ran once, every copy got its result", line).isEqualTo("1");
                    deliveries.computeIfAbsent(delivery.group(1), event -> new ArrayList<>()).add(line);
                }
            }
            assertThat(deliveries).hasSize(EVENTS).allSatisfy((event, lines) -> assertThat(lines).hasSize(COPIES)
                    .containsOnly(lines.get(0)));
            assertThat(jvm.stdout().stream().filter(line -> line.startsWith("counter ")))
                    .as("the counters in Redis, read through the application's Lettuce").hasSize(EVENTS)
                    .allSatisfy(line -> assertThat(line).endsWith(" value=1"));
            assertThat(jvm.awaitStderr("ready in", ForkedJvm.STARTUP)).contains("store=");
        } finally {
            store.cleanUp(run);
        }
    }

    /** The versions of the libraries nested in the agent jar, by artifact: {@code idem/engine/<artifact>-<version>.jar}. */
    private static Map<String, String> agentLibraryVersions() throws IOException {
        Map<String, String> versions = new TreeMap<>();
        Pattern nested = Pattern.compile("idem/engine/(jackson-databind|lettuce-core|netty-common)-(.+)\\.jar");
        try (JarFile jar = new JarFile(ItEnvironment.agentJar().toFile())) {
            for (var entry : Collections.list(jar.entries())) {
                Matcher matcher = nested.matcher(entry.getName());
                if (matcher.matches()) {
                    versions.put(matcher.group(1), matcher.group(2));
                }
            }
        }
        assertThat(versions).as("libraries nested in %s", ItEnvironment.agentJar())
                .containsOnlyKeys("jackson-databind", "lettuce-core", "netty-common");
        return versions;
    }
}
