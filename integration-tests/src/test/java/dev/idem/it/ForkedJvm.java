package dev.idem.it;

import java.io.File;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A JVM started by a test: an application's main class on {@link ItEnvironment#appClasspath(boolean)}, optionally with
 * {@code -javaagent:idem-agent.jar=<settings>}, or {@code java -jar <jar>}. Its stdout and stderr are saved to
 * {@code <logs>/<name>.stdout.log} and {@code .stderr.log} (the command line to {@code <name>.command.txt}) and
 * can be waited on line by line; a test sends it lines on stdin, signals it ({@code kill -STOP/-CONT}), kills
 * it with {@code kill -9}, or waits for its exit code. {@link #close()} always kills it, so use
 * try-with-resources. Not thread-safe, except that output may be read while the JVM writes it.
 */
public final class ForkedJvm implements AutoCloseable {

    /** How long a forked JVM may take to start and print its first line. */
    public static final Duration STARTUP = Duration.ofSeconds(60);

    private final String name;
    private final Process process;
    private final Writer stdin;
    private final Output stdout;
    private final Output stderr;

    private ForkedJvm(String name, Process process, Path logs) {
        this.name = name;
        this.process = process;
        this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.stdout = new Output(name + " stdout", process.getInputStream(), logs.resolve(name + ".stdout.log"));
        this.stderr = new Output(name + " stderr", process.getErrorStream(), logs.resolve(name + ".stderr.log"));
    }

    /** A JVM that runs {@code mainClass} from the test applications' class path. */
    public static Builder main(String name, Class<?> mainClass) {
        return new Builder(name, mainClass.getName(), null);
    }

    /** A JVM that runs {@code java -jar jar}. */
    public static Builder jar(String name, Path jar) {
        return new Builder(name, null, jar);
    }

    /** The process id, for {@code kill} and attach. */
    public long pid() {
        return process.pid();
    }

    /** Sends one line to the JVM's standard input. */
    public void send(String line) {
        try {
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(name + " does not read its input any more (exited: "
                    + !process.isAlive() + ")", e);
        }
    }

    /** Waits for the first stdout line that starts with {@code prefix}; returns it. */
    public String awaitLine(String prefix, Duration timeout) {
        return stdout.await(line -> line.startsWith(prefix), "starting with '" + prefix + "'", timeout);
    }

    /** Waits for the first stdout line that matches; returns it. */
    public String awaitLine(Predicate<String> matches, String description, Duration timeout) {
        return stdout.await(matches, description, timeout);
    }

    /** Waits for the first stderr line that contains {@code text}; returns it. */
    public String awaitStderr(String text, Duration timeout) {
        return stderr.await(line -> line.contains(text), "containing '" + text + "'", timeout);
    }

    /** The stdout lines read so far. */
    public List<String> stdout() {
        return stdout.lines();
    }

    /** The stderr read so far, one string. */
    public String stderr() {
        return String.join("\n", stderr.lines());
    }

    /** Waits for the JVM to exit and for its output to be read; returns the exit code. */
    public int awaitExit(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(name + " did not exit within " + timeout.toMillis() + " ms; stdout:\n"
                        + stdout.tail() + "\nstderr:\n" + stderr.tail());
            }
            stdout.awaitEnd(Duration.ofSeconds(10));
            stderr.awaitEnd(Duration.ofSeconds(10));
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + name + " to exit", e);
        }
    }

    /** {@code kill -9}: the JVM dies at once, without shutdown hooks; returns when it is gone. */
    public void kill9() {
        signal("KILL");
        awaitExit(Duration.ofSeconds(30));
    }

    /** {@code kill -STOP}: freezes every thread of the JVM, as a long GC pause or a VM migration would. */
    public void pause() {
        signal("STOP");
    }

    /** {@code kill -CONT}: lets a paused JVM run again. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).redirectErrorStream(true)
                    .start();
            String said = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new AssertionError("kill -" + signal + " " + pid() + " (" + name + ") failed: " + said);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + signal, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while signalling " + name, e);
        }
    }

    /** Kills the JVM if it still runs (a paused one too) and waits for it. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }

    /** How to start a {@link ForkedJvm}. */
    public static final class Builder {
        private final String name;
        private final String mainClass;
        private final Path jar;
        private final Map<String, String> systemProperties = new LinkedHashMap<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private final List<String> args = new ArrayList<>();
        private Jdk jdk = Jdk.JAVA_17;
        private String agentSettings;
        private boolean ownLibraries;

        private Builder(String name, String mainClass, Path jar) {
            this.name = name;
            this.mainClass = mainClass;
            this.jar = jar;
        }

        /** The Java runtime; {@link Jdk#JAVA_17} unless set. */
        public Builder jdk(Jdk value) {
            this.jdk = value;
            return this;
        }

        /** Starts the JVM with {@code -javaagent:idem-agent.jar=<settings>} ({@code ""}: no agent arguments). */
        public Builder agent(String settings) {
            this.agentSettings = settings;
            return this;
        }

        /** Puts the application's own Jackson, Lettuce and Netty on its class path too. */
        public Builder ownLibraries() {
            this.ownLibraries = true;
            return this;
        }

        /** Adds {@code -Dkey=value}. */
        public Builder systemProperty(String key, String value) {
            systemProperties.put(key, value);
            return this;
        }

        /** Sets an environment variable of the JVM. */
        public Builder environment(String key, String value) {
            environment.put(key, value);
            return this;
        }

        /** Appends program arguments. */
        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        /**
         * Starts the JVM in {@code logs}, its working directory and where its logs go. It does not inherit the
         * test's {@code IDEM_*} and {@code JAVA_TOOL_OPTIONS} variables, so that the agent sees only the settings
         * the test gives it.
         */
        public ForkedJvm start(Path logs) {
            List<String> command = new ArrayList<>();
            command.add(jdk.java().toString());
            command.add("-Xmx512m");
            if (agentSettings != null) {
                command.add("-javaagent:" + ItEnvironment.agentJar() + (agentSettings.isEmpty() ? "" : "=" + agentSettings));
            }
            systemProperties.forEach((key, value) -> command.add("-D" + key + "=" + value));
            if (jar != null) {
                command.addAll(List.of("-jar", jar.toString()));
            } else {
                command.addAll(List.of("-cp", ItEnvironment.appClasspath(ownLibraries), mainClass));
            }
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).directory(logs.toFile());
            builder.environment().keySet().removeIf(key -> key.startsWith("IDEM_") || key.startsWith("JAVA_TOOL"));
            builder.environment().putAll(environment);
            try {
                Files.writeString(logs.resolve(name + ".command.txt"), String.join(" ", command)
                        .replace(File.pathSeparator, File.pathSeparator + "\n    ") + "\nenvironment: " + environment + "\n");
                return new ForkedJvm(name, builder.start(), logs);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + name + ": " + command, e);
            }
        }
    }
}
