package dev.idem.it.app;

import dev.idem.annotation.Idempotent;
import java.util.Map;
import java.util.UUID;
import java.util.logging.LogManager;

/**
 * An application that installs its own {@code java.util.logging} manager in its {@code main}, as application
 * servers do, instead of on the command line. Its own class is woven (it has an idempotent method), so the
 * agent meets it before its {@code main} runs. Serves on stdin: {@code greet <id>}, {@code logmanager} (the
 * class of the JVM's {@code LogManager}) and {@code log <message>} (an INFO record through its own logger).
 */
public final class OwnLogManagerApp {

    /** The application's manager: a plain {@code LogManager} of its own class. */
    public static final class AppLogManager extends LogManager {
    }

    /** Idempotent by its id. */
    @Idempotent(key = "#id")
    public String greet(String id) {
        return "hello-" + id + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Installs its manager first thing, then runs until stdin ends. */
    public static void main(String[] args) throws Exception {
        System.setProperty("java.util.logging.manager", AppLogManager.class.getName());
        CommandLoop.started();
        OwnLogManagerApp app = new OwnLogManagerApp();
        CommandLoop.serve(Map.of(
                "greet", words -> app.greet(words[0]),
                "logmanager", words -> LogManager.getLogManager().getClass().getName(),
                "log", words -> {
                    java.util.logging.Logger.getLogger("app").info("app says " + words[0]);
                    return "logged";
                }), false);
    }
}
