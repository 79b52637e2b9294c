package dev.idem.kafka;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.MapperFeature;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** The implementations behind {@link RecordKey}'s factories. Stateless and thread-safe. */
final class RecordKeys {

    private static final ObjectMapper CANONICAL = JsonMapper.builder()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .findAndAddModules()
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();

    private RecordKeys() {
    }

    static <K, V> RecordKey<K, V> header(String name) {
        Objects.requireNonNull(name, "name");
        return record -> headerText(record, name);
    }

    static <K, V> RecordKey<K, V> cloudEvents() {
        return record -> {
            String id = headerText(record, "ce_id");
            String source = headerText(record, "ce_source");
            if (!blank(id) && !blank(source)) {
                return source + " " + id;
            }
            return structuredCloudEvent(record.value());
        };
    }

    static <K, V> RecordKey<K, V> recordKey() {
        return record -> scalar(record.key(), "record key");
    }

    static <K, V> RecordKey<K, V> payloadHash() {
        return record -> {
            Object value = record.value();
            if (value == null) {
                return null;
            }
            return HexFormat.of().formatHex(sha256().digest(bytes(value)));
        };
    }

    static <K, V> RecordKey<K, V> firstOf(List<RecordKey<K, V>> sources) {
        List<RecordKey<K, V>> copy = List.copyOf(sources);
        return record -> {
            for (RecordKey<K, V> source : copy) {
                String key = source.keyOf(record);
                if (!blank(key)) {
                    return key;
                }
            }
            return null;
        };
    }

    static <K, V> RecordKey<K, V> defaults() {
        List<RecordKey<K, V>> sources = new ArrayList<>();
        for (String name : RecordKey.WELL_KNOWN_HEADERS) {
            sources.add(header(name));
        }
        sources.add(cloudEvents());
        sources.add(payloadHash());
        return firstOf(sources);
    }

    /** The last value of the header {@code name} in any case, as text; {@code null} when absent. */
    static String headerText(ConsumerRecord<?, ?> record, String name) {
        byte[] last = null;
        boolean found = false;
        for (Header header : record.headers()) {
            if (header.key().equalsIgnoreCase(name)) {
                last = header.value();
                found = true;
            }
        }
        return found && last != null ? text(last) : null;
    }

    /** UTF-8 text, or {@code hex:} and the bytes in hexadecimal when they are not valid UTF-8. */
    static String text(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return chars.toString();
        } catch (CharacterCodingException e) {
            return "hex:" + HexFormat.of().formatHex(bytes);
        }
    }

    private static String scalar(Object value, String what) {
        if (value == null) {
            return null;
        }
        if (value instanceof byte[] bytes) {
            return text(bytes);
        }
        if (value instanceof Enum<?> constant) {
            return constant.name();
        }
        if (value instanceof CharSequence || value instanceof Number || value instanceof UUID
                || value instanceof Boolean) {
            return value.toString();
        }
        throw new IllegalArgumentException("the " + what + " is a " + value.getClass().getName() + ", which is not "
                + "an identity; use RecordKey.expression(...) or a function that picks the id");
    }

    private static String structuredCloudEvent(Object value) {
        if (!(value instanceof byte[] || value instanceof CharSequence)) {
            return null;
        }
        JsonNode event;
        try {
            event = value instanceof byte[] bytes ? JSON.readTree(bytes) : JSON.readTree(value.toString());
        } catch (IOException notJson) {
            return null;
        }
        if (event == null || !event.isObject() || !event.path("specversion").isTextual()) {
            return null;
        }
        JsonNode id = event.path("id");
        JsonNode source = event.path("source");
        return id.isTextual() && source.isTextual() ? source.textValue() + " " + id.textValue() : null;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
        if (value instanceof CharSequence text) {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
        try {
            return CANONICAL.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot hash the value, a " + value.getClass().getName()
                    + ", as JSON: " + e.getOriginalMessage() + "; pick the key with a header or a function", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
