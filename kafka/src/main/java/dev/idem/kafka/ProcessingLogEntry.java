package dev.idem.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idem.Transition;
import dev.idem.store.AuditEvent;
import dev.idem.store.ErrorInfo;
import dev.idem.store.RecordState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Objects;

/**
 * One record of the processing-log topic: a {@link Transition} of the engine, with the log instance
 * that sent it and its sequence number there. The record's Kafka key is {@link #key()}; its value is
 * this entry as JSON, schema version {@value #SCHEMA_VERSION} (docs/kafka.md lists every field):
 *
 * <pre>{@code
 * {"schema":1,"key":"orders:evt_42","event":"COMPLETED","state":"COMPLETED","attempt":1,"token":3,
 *  "step":null,"elapsedMicros":12034,"error":null,"fingerprint":"9f86d081884c7d659a2feaa0c55ad015",
 *  "node":"4242@host-a","at":"2026-11-26T09:18:39.123456Z",
 *  "instance":"0f6b2c1e-5a8e-4d61-9b51-2f7a3c0e9d14","sequence":17}
 * }</pre>
 *
 * <p>{@link #toJson()} writes every field, {@code null} ones too; {@link #fromJson(byte[])} reads what
 * it writes and ignores fields it does not know, so that fields added later under the same schema
 * version do not break readers. A change to the meaning or type of a field raises the version.
 * Immutable.
 *
 * @param schema the schema version, {@value #SCHEMA_VERSION}
 * @param key the full key ({@code namespace:key}, long keys hashed as the store sees them)
 * @param event the transition
 * @param state the record's state after it
 * @param attempt the attempt number
 * @param token the fencing token involved
 * @param step the step name for {@link AuditEvent#STEP_SAVED}; else {@code null}
 * @param elapsed how long the call ran, for outcomes; else {@code null}; written in whole microseconds
 * @param error the failure, for failure outcomes; else {@code null}
 * @param fingerprint the call's fingerprint, or {@code null}
 * @param node the node that made the transition
 * @param at when, by that node's clock
 * @param instance the id of the log instance that sent it (one per {@link KafkaProcessingLog})
 * @param sequence its number in that instance, from 1 up by one per transition the instance was given,
 *     dropped ones included: a gap means transitions were dropped
 */
public record ProcessingLogEntry(
        int schema,
        String key,
        AuditEvent event,
        RecordState state,
        int attempt,
        long token,
        String step,
        Duration elapsed,
        ErrorInfo error,
        String fingerprint,
        String node,
        Instant at,
        String instance,
        long sequence) {

    /** The version of the JSON schema this class writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper READER = new ObjectMapper(JSON);

    /** Checks the required fields. */
    public ProcessingLogEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(instance, "instance");
    }

    /** The entry for {@code transition}, number {@code sequence} of log instance {@code instance}. */
    public static ProcessingLogEntry of(Transition transition, String instance, long sequence) {
        return new ProcessingLogEntry(SCHEMA_VERSION, transition.key(), transition.event(), transition.state(),
                transition.attempt(), transition.token(), transition.detail(), transition.elapsed(), transition.error(),
                transition.fingerprint(), transition.node(), transition.at(), instance, sequence);
    }

    /** This entry as the UTF-8 JSON of schema {@value #SCHEMA_VERSION}. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(320);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeNumberField("schema", schema);
            json.writeStringField("key", key);
            json.writeStringField("event", event.name());
            json.writeStringField("state", state.name());
            json.writeNumberField("attempt", attempt);
            json.writeNumberField("token", token);
            json.writeStringField("step", step);
            json.writeFieldName("elapsedMicros");
            if (elapsed == null) {
                json.writeNull();
            } else {
                json.writeNumber(elapsed.toNanos() / 1_000);
            }
            json.writeFieldName("error");
            if (error == null) {
                json.writeNull();
            } else {
                json.writeStartObject();
                json.writeStringField("type", error.type());
                json.writeStringField("message", error.message());
                json.writeEndObject();
            }
            json.writeStringField("fingerprint", fingerprint);
            json.writeStringField("node", node);
            json.writeStringField("at", at.toString());
            json.writeStringField("instance", instance);
            json.writeNumberField("sequence", sequence);
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory failed", e);
        }
        return out.toByteArray();
    }

    /**
     * Reads an entry written by {@link #toJson()}.
     *
     * @throws IllegalArgumentException when the bytes are not such JSON, a required field is missing or
     *     has the wrong type, or the schema version is newer than {@value #SCHEMA_VERSION}
     */
    public static ProcessingLogEntry fromJson(byte[] json) {
        JsonNode root;
        try {
            root = READER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a processing-log entry: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("not a processing-log entry: not a JSON object");
        }
        int schema = (int) number(root, "schema");
        if (schema < 1 || schema > SCHEMA_VERSION) {
            throw new IllegalArgumentException("processing-log schema " + schema + " is not supported; this reader "
                    + "knows version " + SCHEMA_VERSION);
        }
        JsonNode error = root.path("error");
        JsonNode micros = root.path("elapsedMicros");
        try {
            Duration elapsed = micros.isIntegralNumber()
                    ? Duration.ofNanos(Math.multiplyExact(micros.longValue(), 1_000L)) : null;
            return new ProcessingLogEntry(schema, text(root, "key", true),
                    AuditEvent.valueOf(text(root, "event", true)), RecordState.valueOf(text(root, "state", true)),
                    (int) number(root, "attempt"), number(root, "token"), text(root, "step", false), elapsed,
                    error.isObject() ? new ErrorInfo(text(error, "type", true), text(error, "message", false)) : null,
                    text(root, "fingerprint", false), text(root, "node", true), Instant.parse(text(root, "at", true)),
                    text(root, "instance", true), number(root, "sequence"));
        } catch (DateTimeParseException | ArithmeticException e) {
            throw new IllegalArgumentException("not a processing-log entry: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new IllegalArgumentException("not a processing-log entry: '" + field + "' is missing");
            }
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("not a processing-log entry: '" + field + "' is not a string");
        }
        return value.textValue();
    }

    private static long number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("not a processing-log entry: '" + field + "' is not an integer");
        }
        return value.longValue();
    }
}
