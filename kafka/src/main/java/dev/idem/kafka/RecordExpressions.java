package dev.idem.kafka;

import dev.idem.KeyExpression;
import dev.idem.KeyExpressionParser;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Key expressions over a record. The engine's expression languages bind an expression to a method's
 * parameters, so the variables {@code #key}, {@code #value}, {@code #headers} and {@code #topic} are the
 * parameters of {@link #record}, a method that only exists to be parsed against. Thread-safe.
 */
final class RecordExpressions {

    private static final Method RECORD;

    static {
        try {
            RECORD = RecordExpressions.class.getDeclaredMethod("record", Object.class, Object.class, Map.class,
                    String.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private RecordExpressions() {
    }

    static <K, V> RecordKey<K, V> parse(String expression, KeyExpressionParser parser) {
        Objects.requireNonNull(expression, "expression");
        KeyExpression parsed = parser.parse(expression, RECORD);
        return record -> {
            Object key = parsed.evaluate(null, new Object[] {record.key(), record.value(), headers(record),
                    record.topic()});
            return key == null ? null : key.toString();
        };
    }

    /** The parameters are the variables of a record key expression. */
    @SuppressWarnings("unused")
    private static void record(Object key, Object value, Map<String, String> headers, String topic) {
    }

    private static Map<String, String> headers(ConsumerRecord<?, ?> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                headers.put(header.key(), RecordKeys.text(header.value()));
            }
        }
        return headers;
    }
}
