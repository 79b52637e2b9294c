package dev.idem.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The coordinator's handle on one {@link WorkerNode} JVM: forks it with this JVM's class path and heap and
 * GC flags ({@code -Xms}, {@code -Xmx}, {@code -XX:}), sends it its commands and reads its answers. Its
 * standard error goes to the coordinator's. Used by one thread.
 */
final class ForkedWorker implements AutoCloseable {

    /** In a worker's JVM flags, replaced by its name. */
    static final String WORKER_NAME = "{worker}";

    private final String name;
    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final Thread reader;
    private volatile long reportedRuns;

    private ForkedWorker(String name, Process process) {
        this.name = name;
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        this.reader = new Thread(this::readAnswers, name + "-answers");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts a worker JVM of {@code system} on {@code location}; it builds its worker, then says it is ready. */
    static ForkedWorker fork(JobSystem system, String location, DeferredJobsBenchmark.Settings settings, String name)
            throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String flag : jvmFlags()) {
            command.add(flag.replace(WORKER_NAME, name));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerNode.class.getName(), system.id,
                location, Integer.toString(settings.threads()), Integer.toString(settings.batchSize()),
                Long.toString(settings.pollInterval().toMillis()), name));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new ForkedWorker(name, process);
    }

    /**
     * This JVM's heap and GC flags, which the workers get too, with {@value #WORKER_NAME} replaced by the
     * worker's name: {@code -XX:StartFlightRecording=filename=/tmp/{worker}.jfr} records each worker apart.
     */
    static List<String> jvmFlags() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(flag -> flag.startsWith("-Xms") || flag.startsWith("-Xmx") || flag.startsWith("-XX:"))
                .toList();
    }

    String name() {
        return name;
    }

    /** The jobs the worker last said it has run, while it runs. */
    long reportedRuns() {
        return reportedRuns;
    }

    /** Waits until the worker is built and waiting for {@link #start()}. */
    void awaitReady(Duration timeout) throws InterruptedException {
        awaitAnswer(WorkerNode.READY, timeout);
    }

    void start() throws IOException {
        send(WorkerNode.START);
    }

    /**
     * Stops the worker gracefully and waits for it to exit.
     *
     * @return how many jobs it ran
     */
    long stop(Duration timeout) throws IOException, InterruptedException {
        send(WorkerNode.STOP);
        String ran = awaitAnswer(WorkerNode.RAN + " ", timeout);
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(name + " did not exit cleanly after it stopped");
        }
        return Long.parseLong(ran.substring(WorkerNode.RAN.length() + 1));
    }

    /** Kills the JVM if it is still running. */
    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void send(String command) throws IOException {
        commands.write(command + "\n");
        commands.flush();
    }

    private String awaitAnswer(String expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String answer = answers.poll(100, TimeUnit.MILLISECONDS);
            if (answer != null && answer.startsWith(expected)) {
                return answer;
            }
            if (answer != null) {
                System.err.println(name + ": " + answer);
            } else if (!reader.isAlive() && answers.isEmpty()) {
                throw new IllegalStateException(name + " ended (exit status " + process.waitFor() + ") before it said '"
                        + expected.trim() + "'; its errors are above");
            } else if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not say '" + expected.trim() + "' within " + timeout);
            }
        }
    }

    private void readAnswers() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (line.startsWith(WorkerNode.RUNS + " ")) {
                    reportedRuns = Long.parseLong(line.substring(WorkerNode.RUNS.length() + 1));
                } else {
                    answers.add(line);
                }
            }
        } catch (IOException e) {
            answers.add("(its output could not be read: " + e + ")");
        }
    }
}
