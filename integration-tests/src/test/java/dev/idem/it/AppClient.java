package dev.idem.it;

import java.time.Duration;

/**
 * Talks to a test application's stdin protocol ({@code dev.idem.it.app.CommandLoop}): each request gets a tag,
 * and its answer is the stdout line that starts with that tag. Not thread-safe.
 */
public final class AppClient {

    /** How long one request may take, including waits for leases to run out. */
    public static final Duration ANSWER = Duration.ofSeconds(60);

    private final ForkedJvm jvm;
    private int next;

    /** A client of {@code jvm}, which must run an application served by {@code CommandLoop}. */
    public AppClient(ForkedJvm jvm) {
        this.jvm = jvm;
    }

    /** Sends {@code command} without waiting; returns its tag, for {@link #answer(String)}. */
    public String send(String command) {
        String tag = "r" + ++next;
        jvm.send(tag + " " + command);
        return tag;
    }

    /** The answer to the request tagged {@code tag}: {@code ok <value>} or {@code error <Type>: <message>}. */
    public String answer(String tag) {
        return jvm.awaitLine(tag + " ", ANSWER).substring(tag.length() + 1);
    }

    /** Sends {@code command} and returns its value; fails unless it succeeded. */
    public String ok(String command) {
        return value(command, answer(send(command)));
    }

    /** Sends {@code command} and returns {@code <Type>: <message>}; fails unless it failed. */
    public String error(String command) {
        return failure(command, answer(send(command)));
    }

    /** The value of a successful answer; fails on an error. */
    public static String value(String command, String answer) {
        if (!answer.startsWith("ok ")) {
            throw new AssertionError("'" + command + "' failed: " + answer);
        }
        return answer.substring(3);
    }

    /** The failure of a failed answer; fails on success. */
    public static String failure(String command, String answer) {
        if (!answer.startsWith("error ")) {
            throw new AssertionError("'" + command + "' should have failed but answered: " + answer);
        }
        return answer.substring(6);
    }

    /** How often the body of {@code method} ran for {@code id} ({@code dev.idem.it.app.Billing} only). */
    public int executions(String method, String id) {
        return Integer.parseInt(ok("executions " + method + " " + id));
    }
}
