package dev.idem.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One output stream of a forked JVM: a thread copies it line by line to a log file and keeps the lines in
 * memory, so that a test can wait for a line (without sleeping: waiters are woken by each new line and when
 * the stream ends). Thread-safe.
 */
final class Output {

    private final String name;
    private final Path log;
    private final List<String> lines = new ArrayList<>();
    private final Thread pump;
    private boolean ended;

    Output(String name, InputStream stream, Path log) {
        this.name = name;
        this.log = log;
        this.pump = new Thread(() -> copy(stream), "it-output-" + name);
        pump.setDaemon(true);
        pump.start();
    }

    private void copy(InputStream stream) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
                Writer writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                writer.write(line);
                writer.write('\n');
                writer.flush();
                synchronized (this) {
                    lines.add(line);
                    notifyAll();
                }
            }
        } catch (IOException e) {
            synchronized (this) {
                lines.add("[it harness: reading " + name + " failed: " + e + "]");
            }
        } finally {
            synchronized (this) {
                ended = true;
                notifyAll();
            }
        }
    }

    /**
     * Waits for the first line that matches, from the start of the stream.
     *
     * @throws AssertionError when no such line came in time or the stream ended without one
     */
    String await(Predicate<String> matches, String description, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            int checked = 0;
            while (true) {
                for (; checked < lines.size(); checked++) {
                    if (matches.test(lines.get(checked))) {
                        return lines.get(checked);
                    }
                }
                long remaining = deadline - System.nanoTime();
                if (ended || remaining <= 0) {
                    throw new AssertionError(name + ": no line " + description + (ended ? " before the stream ended"
                            : " within " + timeout.toMillis() + " ms") + "; see " + log + "; last lines:\n" + tail());
                }
                try {
                    wait(Math.max(1, remaining / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError("interrupted while waiting for " + description, e);
                }
            }
        }
    }

    /** Waits until the stream has ended (the process closed it or died). */
    void awaitEnd(Duration timeout) throws InterruptedException {
        pump.join(timeout.toMillis());
    }

    /** The lines read so far. */
    synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** The last lines, for failure messages. */
    synchronized String tail() {
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }
}
