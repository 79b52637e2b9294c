package dev.idem.it.app;

import dev.idem.annotation.Idempotent;
import java.util.UUID;

/**
 * An annotated webhook handler: its body records one effect row per run and returns a result unique to that
 * run, so every duplicate caller can be checked to have received the first run's result. Thread-safe.
 */
public final class WebhookHandler {

    private final Effects effects;
    private final String node;

    WebhookHandler(Effects effects, String node) {
        this.effects = effects;
        this.node = node;
    }

    /** Handles one delivery of {@code event}; the agent makes it run once per event id, across JVMs. */
    @Idempotent(key = "#event.id")
    public String handle(PaymentEvent event) {
        String result = node + "/" + event.id() + "/" + UUID.randomUUID();
        effects.insert(event.id(), result, node);
        return result;
    }
}
