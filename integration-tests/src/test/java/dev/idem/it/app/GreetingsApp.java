package dev.idem.it.app;

import java.util.Map;

/** Serves {@link Greetings} on stdin: {@code broken <id>}, {@code greet <id>}, {@code plain <id>}. */
public final class GreetingsApp {

    private GreetingsApp() {
    }

    /** Runs until stdin ends. */
    public static void main(String[] args) throws Exception {
        CommandLoop.started();
        Greetings greetings = new Greetings();
        CommandLoop.serve(Map.of(
                "broken", words -> greetings.broken(words[0]),
                "greet", words -> greetings.greet(words[0]),
                "plain", words -> greetings.plain(words[0])), false);
    }
}
