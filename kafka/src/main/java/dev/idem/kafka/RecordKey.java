package dev.idem.kafka;

import dev.idem.KeyExpressionParser;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Where the idempotency key of a record comes from: a header, the CloudEvents id, the record key, an
 * expression, the payload's hash, or any function of the record. The key names the message, not the
 * partition: two deliveries of one message must give the same key, two different messages different
 * keys.
 *
 * <pre>{@code
 * RecordKey.header("message_id")                         // a header
 * RecordKey.expression("#headers['tenant'] + ':' + #key") // an expression over the record
 * record -> record.value().orderId()                     // a function
 * RecordKey.defaults()                                   // well-known headers, CloudEvents, payload hash
 * }</pre>
 *
 * <p>Implementations are stateless and thread-safe.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
@FunctionalInterface
public interface RecordKey<K, V> {

    /** The header names {@link #defaults()} tries, in order, in any case. */
    List<String> WELL_KNOWN_HEADERS = List.of("Idempotency-Key", "message_id", "messageId", "event_id", "eventId");

    /**
     * The record's key, or {@code null} (or blank) when this source finds none.
     *
     * @throws IllegalArgumentException when the record holds something this source cannot use as a key
     */
    String keyOf(ConsumerRecord<K, V> record);

    /** This source, or {@code other} where this one finds no key. */
    default RecordKey<K, V> orElse(RecordKey<K, V> other) {
        return RecordKeys.firstOf(List.of(this, other));
    }

    /**
     * The value of the header {@code name}, matched in any case; the last one when the record has several.
     * The value is read as UTF-8; a value that is not valid UTF-8 is used as {@code hex:} and its bytes
     * in hexadecimal.
     */
    static <K, V> RecordKey<K, V> header(String name) {
        return RecordKeys.header(name);
    }

    /**
     * A CloudEvent's identity, {@code source + " " + id} (the same form as the engine's well-known
     * identity): binary mode, the {@code ce_id} and {@code ce_source} headers; structured mode, the
     * {@code id} and {@code source} of a JSON value (text or bytes) that has a {@code specversion}.
     */
    static <K, V> RecordKey<K, V> cloudEvents() {
        return RecordKeys.cloudEvents();
    }

    /**
     * The record key: a string, bytes (as {@link #header(String)} reads a value), a number, a UUID, a
     * boolean or an enum. Use it only when the producer sets a message id as the record key; a
     * partitioning key such as a customer id would make different messages of one customer duplicates.
     */
    static <K, V> RecordKey<K, V> recordKey() {
        return RecordKeys.recordKey();
    }

    /**
     * An expression of the engine's key language over the record: {@code #key}, {@code #value} (property
     * paths over its getters, record components, public fields and map keys), {@code #headers} (a map
     * of header names to their last value as text), {@code #topic}; for example
     * {@code "#value.orderId"} or {@code "#headers['tenant'] + ':' + #headers['message_id']"}.
     *
     * @throws dev.idem.annotation.IdempotencyConfigurationException when the expression is invalid
     */
    static <K, V> RecordKey<K, V> expression(String expression) {
        return expression(expression, KeyExpressionParser.simple());
    }

    /**
     * {@link #expression(String)} in another expression language, such as the Spring Boot starter's
     * SpEL parser.
     */
    static <K, V> RecordKey<K, V> expression(String expression, KeyExpressionParser parser) {
        return RecordExpressions.parse(expression, parser);
    }

    /**
     * The SHA-256 of the value, in hexadecimal: of its bytes for {@code byte[]}, {@code ByteBuffer} and
     * text (UTF-8); of its JSON, with properties and map entries sorted by name, for other objects. Two
     * deliveries of one message agree; but two different messages with byte-identical values are
     * duplicates of each other, so prefer an id where the producer sets one.
     */
    static <K, V> RecordKey<K, V> payloadHash() {
        return RecordKeys.payloadHash();
    }

    /** The first of {@code sources} that finds a key. */
    @SafeVarargs
    static <K, V> RecordKey<K, V> firstOf(RecordKey<K, V>... sources) {
        List<RecordKey<K, V>> list = new ArrayList<>(sources.length);
        for (RecordKey<K, V> source : sources) {
            list.add(source);
        }
        return RecordKeys.firstOf(list);
    }

    /**
     * The default: the first {@link #WELL_KNOWN_HEADERS well-known header} present
     * ({@code Idempotency-Key}, {@code message_id}, {@code messageId}, {@code event_id},
     * {@code eventId}), then {@link #cloudEvents()}, then {@link #payloadHash()}. The record key is not
     * tried: it is usually a partitioning key, not a message id.
     */
    static <K, V> RecordKey<K, V> defaults() {
        return RecordKeys.defaults();
    }
}
