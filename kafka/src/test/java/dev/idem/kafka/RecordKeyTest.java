package dev.idem.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.store.Keys;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** Where a record's idempotency key comes from. */
class RecordKeyTest {

    private static final String STRUCTURED_CLOUD_EVENT = "{\"specversion\":\"1.0\",\"id\":\"A234-1234\","
            + "\"source\":\"https://github.com/cloudevents\",\"type\":\"com.example.someevent\",\"data\":{}}";

    @Test
    void aHeaderIsMatchedInAnyCaseAndItsLastValueWins() {
        RecordKey<Object, Object> key = RecordKey.header("message_id");

        assertThat(key.keyOf(record(null, "v", "Message_ID", "first", "MESSAGE_ID", "last"))).isEqualTo("last");
        assertThat(key.keyOf(record(null, "v", "event_id", "e1"))).isNull();
    }

    @Test
    void aHeaderThatIsNotUtf8IsUsedAsHex() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("message_id", new byte[] {(byte) 0xff, 0x01});

        assertThat(RecordKey.header("message_id").keyOf(record(null, "v", headers))).isEqualTo("hex:ff01");
    }

    @Test
    void theDefaultsTryTheWellKnownHeadersInOrderThenCloudEventsThenThePayloadHash() {
        RecordKey<Object, Object> defaults = RecordKey.defaults();

        assertThat(defaults.keyOf(record(null, "v", "event_id", "e1", "message_id", "m1", "Idempotency-Key", "i1")))
                .isEqualTo("i1");
        assertThat(defaults.keyOf(record(null, "v", "event_id", "e1", "message_id", "m1"))).isEqualTo("m1");
        assertThat(defaults.keyOf(record(null, "v", "eventId", "e1"))).isEqualTo("e1");
        assertThat(defaults.keyOf(record(null, "v", "ce_id", "42", "ce_source", "/orders"))).isEqualTo("/orders 42");
        assertThat(defaults.keyOf(record("customer-7", "{\"amount\":1}")))
                .as("the record key is a partitioning key, not an id: the payload hash is used")
                .isEqualTo(Keys.sha256Hex("{\"amount\":1}"));
        assertThat(defaults.keyOf(record("customer-7", null))).isNull();
    }

    @Test
    void cloudEventsInBinaryAndStructuredMode() {
        RecordKey<Object, Object> cloudEvents = RecordKey.cloudEvents();

        assertThat(cloudEvents.keyOf(record(null, "{}", "ce_id", "A234-1234", "ce_source", "/cloudevents")))
                .isEqualTo("/cloudevents A234-1234");
        assertThat(cloudEvents.keyOf(record(null, STRUCTURED_CLOUD_EVENT)))
                .isEqualTo("https://github.com/cloudevents A234-1234");
        assertThat(cloudEvents.keyOf(record(null, STRUCTURED_CLOUD_EVENT.getBytes(StandardCharsets.UTF_8))))
                .isEqualTo("https://github.com/cloudevents A234-1234");
        assertThat(cloudEvents.keyOf(record(null, "{\"id\":\"1\",\"source\":\"/s\"}"))).as("no specversion").isNull();
        assertThat(cloudEvents.keyOf(record(null, "{}", "ce_id", "A234-1234"))).as("no source").isNull();
    }

    @Test
    void theRecordKeyWhenItIsAnIdentity() {
        RecordKey<Object, Object> recordKey = RecordKey.recordKey();
        UUID id = UUID.fromString("5f0c7a8e-1111-4222-8333-944455556666");

        assertThat(recordKey.keyOf(record("order-1", "v"))).isEqualTo("order-1");
        assertThat(recordKey.keyOf(record(42L, "v"))).isEqualTo("42");
        assertThat(recordKey.keyOf(record(id, "v"))).isEqualTo(id.toString());
        assertThat(recordKey.keyOf(record("order-1".getBytes(StandardCharsets.UTF_8), "v"))).isEqualTo("order-1");
        assertThat(recordKey.keyOf(record(null, "v"))).isNull();
        assertThatThrownBy(() -> recordKey.keyOf(record(Map.of("id", 1), "v")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("RecordKey.expression");
    }

    @Test
    void anExpressionOverTheKeyTheValueTheHeadersAndTheTopic() {
        Order order = new Order("o-17", new Customer("c-3"));

        assertThat(RecordKey.expression("#value.id").keyOf(record(null, order))).isEqualTo("o-17");
        assertThat(RecordKey.expression("#value.customer.id + ':' + #headers['seq']")
                .keyOf(record(null, order, "seq", "9"))).isEqualTo("c-3:9");
        assertThat(RecordKey.expression("#topic + '/' + #key").keyOf(record("k", order))).isEqualTo("orders/k");
        assertThat(RecordKey.expression("#value?.id").keyOf(record(null, null))).isNull();
        assertThatThrownBy(() -> RecordKey.expression("#payload.id"))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("#payload");
    }

    @Test
    void thePayloadHashIsOfTheBytesOrOfTheSortedJson() {
        RecordKey<Object, Object> hash = RecordKey.payloadHash();
        byte[] bytes = "{\"b\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);

        assertThat(hash.keyOf(record(null, bytes))).isEqualTo(Keys.sha256Hex("{\"b\":1,\"a\":2}"));
        assertThat(hash.keyOf(record(null, ByteBuffer.wrap(bytes)))).isEqualTo(Keys.sha256Hex("{\"b\":1,\"a\":2}"));
        assertThat(hash.keyOf(record(null, Map.of("b", 1, "a", 2)))).isEqualTo(Keys.sha256Hex("{\"a\":2,\"b\":1}"));
        assertThat(hash.keyOf(record(null, new Order("o-1", new Customer("c-1")))))
                .isEqualTo(Keys.sha256Hex("{\"customer\":{\"id\":\"c-1\"},\"id\":\"o-1\"}"));
    }

    @Test
    void theFirstSourceThatFindsAKeyWins() {
        RecordKey<Object, Object> key = RecordKey.firstOf(RecordKey.header("message_id"), RecordKey.header("event_id"));
        RecordKey<Object, Object> orElse = RecordKey.header("message_id").orElse(record -> "fallback");

        assertThat(key.keyOf(record(null, "v", "event_id", "e1"))).isEqualTo("e1");
        assertThat(key.keyOf(record(null, "v", "message_id", " ", "event_id", "e1"))).as("blank counts as none")
                .isEqualTo("e1");
        assertThat(orElse.keyOf(record(null, "v"))).isEqualTo("fallback");
    }

    record Customer(String id) {
    }

    record Order(String id, Customer customer) {
    }

    private static ConsumerRecord<Object, Object> record(Object key, Object value, String... headers) {
        RecordHeaders recordHeaders = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            recordHeaders.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return record(key, value, recordHeaders);
    }

    private static ConsumerRecord<Object, Object> record(Object key, Object value, RecordHeaders headers) {
        return new ConsumerRecord<>("orders", 0, 0, ConsumerRecord.NO_TIMESTAMP, TimestampType.NO_TIMESTAMP_TYPE,
                ConsumerRecord.NULL_SIZE, ConsumerRecord.NULL_SIZE, key, value, headers, Optional.empty());
    }
}
