package dev.idem.it.app;

import com.fasterxml.jackson.annotation.JsonProperty;

/** A shipment event, read from JSON by the application's own Jackson. */
public record ShipmentEvent(String id, @JsonProperty("parcel_id") String parcel) {
}
