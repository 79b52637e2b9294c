package dev.idem.it.app;

/** What {@link Shipping#ship} returns: the event, the value of its Redis counter, and the event as JSON. */
public record Shipment(String eventId, long counter, String json) {
}
