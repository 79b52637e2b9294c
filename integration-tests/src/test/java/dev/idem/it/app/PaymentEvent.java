package dev.idem.it.app;

/** A payment provider's webhook event; {@code id} is the event's identity. */
public record PaymentEvent(String id, long amount) {
}
