package dev.idem.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;

/**
 * A payment event as the handler sees it, read from the body of a Stripe-style webhook. Every delivery
 * of one event carries the same {@code id}. Immutable.
 *
 * @param id the event's id, such as {@code evt_lxq3c1_000042}: the idempotency key
 * @param type the event's type, such as {@code charge.succeeded}
 * @param chargeId the charge the event is about
 * @param amount the charge's amount, in cents
 * @param currency the charge's currency, such as {@code usd}
 */
public record WebhookEvent(String id, String type, String chargeId, long amount, String currency) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads a webhook body, with the application's own Jackson. */
    public static WebhookEvent parse(String body) {
        try {
            JsonNode event = JSON.readTree(body);
            JsonNode charge = event.path("data").path("object");
            return new WebhookEvent(event.path("id").asText(), event.path("type").asText(),
                    charge.path("id").asText(), charge.path("amount").asLong(), charge.path("currency").asText());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("not a webhook body: " + body, e);
        }
    }
}
