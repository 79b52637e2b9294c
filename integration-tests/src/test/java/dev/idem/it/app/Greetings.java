package dev.idem.it.app;

import dev.idem.annotation.Idempotent;
import java.util.UUID;

/** One method with a key expression that names no parameter, next to two healthy methods. Thread-safe. */
public final class Greetings {

    /** Broken on purpose: there is no parameter {@code nope}. */
    @Idempotent(key = "#nope")
    public String broken(String id) {
        return "broken body ran for " + id;
    }

    /** A healthy idempotent method in the same class. */
    @Idempotent(key = "#id")
    public String greet(String id) {
        return "hello-" + id + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A method Idem does not touch. */
    public String plain(String id) {
        return "plain-" + id;
    }
}
