package dev.idem.it;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The Java runtimes the forked JVMs run on. {@link #JAVA_17} is the JDK that runs the build (override with
 * {@code IDEM_JDK17}); {@link #JAVA_25} is the Temurin 25 JDK installed beside it (override with
 * {@code IDEM_JDK25}). Either variable may name a JDK folder or its {@code bin/java}. The applications print
 * the version they run on, and the tests check it, so a wrong JDK fails instead of passing unnoticed.
 */
public enum Jdk {

    /** Java 17, the project's baseline. */
    JAVA_17(17, "IDEM_JDK17", System.getProperty("java.home")),
    /** Java 25, the newest JDK the project supports. */
    JAVA_25(25, "IDEM_JDK25", "/usr/lib/jvm/temurin-25-jdk-amd64");

    private final int feature;
    private final String variable;
    private final String fallback;

    Jdk(int feature, String variable, String fallback) {
        this.feature = feature;
        this.variable = variable;
        this.fallback = fallback;
    }

    /** The major version, {@code 17} or {@code 25}. */
    public int feature() {
        return feature;
    }

    /** The {@code java} launcher; fails naming the variable to set when it is not installed. */
    public Path java() {
        String configured = System.getenv(variable);
        Path location = Path.of(configured == null || configured.isBlank() ? fallback : configured);
        Path java = Files.isRegularFile(location) ? location : location.resolve("bin").resolve("java");
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException("no Java " + feature + " launcher at " + java + "; install the JDK or set "
                    + variable + " to its folder");
        }
        return java;
    }
}
