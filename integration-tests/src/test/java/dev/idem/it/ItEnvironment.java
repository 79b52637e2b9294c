package dev.idem.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.TestInfo;

/**
 * Where the integration tests find what Maven prepared for them: the agent jar, the class path of the test
 * applications and the folder for the forked JVMs' logs. Maven Failsafe passes them as system properties
 * ({@code idem.it.*}, see integration-tests/pom.xml); each falls back to the module's usual layout so a test
 * can be run from an IDE after {@code mvn -pl integration-tests -am verify} once.
 */
public final class ItEnvironment {

    private ItEnvironment() {
    }

    /** The real agent, {@code agent/target/idem-agent.jar}; fails with how to build it when it is missing. */
    public static Path agentJar() {
        Path jar = Path.of(System.getProperty("idem.it.agentJar", "../agent/target/idem-agent.jar")).toAbsolutePath()
                .normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the agent jar " + jar + " is missing; build it with "
                    + "'mvn -B -pl integration-tests -am verify' from the repository root (the reactor packages the "
                    + "agent before this module)");
        }
        return jar;
    }

    /** The operator CLI, {@code cli/target/idem.jar}; fails with how to build it when it is missing. */
    public static Path cliJar() {
        Path jar = Path.of(System.getProperty("idem.it.cliJar", "../cli/target/idem.jar")).toAbsolutePath().normalize();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the CLI jar " + jar + " is missing; build it with "
                    + "'mvn -B -pl integration-tests -am verify' from the repository root");
        }
        return jar;
    }

    /**
     * The test applications' class path: target/test-classes and the jars Maven listed in app-classpath.txt
     * (idem-annotations and the PostgreSQL driver); with {@code ownLibraries}, also the application's own
     * Jackson, Lettuce and Netty (own-libraries-classpath.txt).
     */
    public static String appClasspath(boolean ownLibraries) {
        Path classes = Path.of(System.getProperty("idem.it.appClasses", "target/test-classes")).toAbsolutePath();
        String classpath = classes + File.pathSeparator
                + listing("idem.it.appClasspathFile", "target/app-classpath.txt");
        return ownLibraries ? classpath + File.pathSeparator
                + listing("idem.it.ownLibrariesClasspathFile", "target/own-libraries-classpath.txt") : classpath;
    }

    private static String listing(String property, String fallback) {
        Path listing = Path.of(System.getProperty(property, fallback)).toAbsolutePath();
        try {
            return Files.readString(listing).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the class path listing " + listing
                    + "; maven-dependency-plugin writes it (run the build through Maven)", e);
        }
    }

    /** A fresh folder, {@code target/it-logs/<class>/<method>[-<parameters>]-<run>}, for one test's JVMs. */
    public static Path logDirectory(TestInfo test) {
        Path root = Path.of(System.getProperty("idem.it.logs", "target/it-logs")).toAbsolutePath();
        String method = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("test");
        String display = test.getDisplayName();
        String name = display.startsWith(method) ? method : method + "-" + display;
        Path directory = root.resolve(test.getTestClass().map(Class::getSimpleName).orElse("it"))
                .resolve(name.replaceAll("[^A-Za-z0-9_.=-]+", "_") + "-" + runId());
        try {
            return Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }

    /** A short random id, to make event ids, tables and key prefixes unique per run. */
    public static String runId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** The Jackson version the applications pin (integration-tests/pom.xml, {@code it.app.jackson.version}). */
    public static String appJacksonVersion() {
        return required("idem.it.jacksonVersion");
    }

    /** The Lettuce version the applications pin ({@code it.app.lettuce.version}). */
    public static String appLettuceVersion() {
        return required("idem.it.lettuceVersion");
    }

    private static String required(String property) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set; run the tests through Maven "
                    + "(integration-tests/pom.xml sets it)");
        }
        return value;
    }
}
