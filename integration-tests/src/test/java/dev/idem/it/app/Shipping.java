package dev.idem.it.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idem.annotation.Idempotent;
import io.lettuce.core.api.sync.RedisCommands;

/**
 * An annotated handler whose body uses the application's OWN Lettuce (and so its own Netty) and Jackson: it
 * increments a Redis counter per event and echoes the event as JSON. Thread-safe.
 */
public final class Shipping {

    private final RedisCommands<String, String> redis;
    private final ObjectMapper mapper;
    private final String keyPrefix;

    Shipping(RedisCommands<String, String> redis, ObjectMapper mapper, String keyPrefix) {
        this.redis = redis;
        this.mapper = mapper;
        this.keyPrefix = keyPrefix;
    }

    /** Ships once per event id: the counter of an event must end at 1. */
    @Idempotent(key = "#event.id")
    public Shipment ship(ShipmentEvent event) throws JsonProcessingException {
        long counter = redis.incr(counterKey(event.id()));
        return new Shipment(event.id(), counter, mapper.writeValueAsString(event));
    }

    /** The Redis key of an event's counter. */
    String counterKey(String eventId) {
        return keyPrefix + ":" + eventId;
    }
}
