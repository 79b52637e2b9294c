package dev.idem;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Finds the identity of an event among a method's arguments, for {@code @Idempotent} methods with
 * neither a key expression nor an {@code @IdempotencyKey} parameter. Names are tried in priority order,
 * each against every argument in order; the first non-blank scalar wins:
 *
 * <ol>
 *   <li>delivery headers, as keys of a {@code Map} argument in any case: {@code Idempotency-Key},
 *       {@code X-GitHub-Delivery}, {@code webhook-id} (Standard Webhooks), {@code X-Shopify-Webhook-Id},
 *       {@code x-amz-sns-message-id}; a list or array value (a multi-valued header) gives its first
 *       element;</li>
 *   <li>a CloudEvent, as {@code source + " " + id}: binary mode ({@code ce-id} and {@code ce-source} keys
 *       of a map, in any case) or structured mode (a map, JSON text or object with {@code specversion},
 *       {@code id} and {@code source});</li>
 *   <li>body fields, in exact case, of a map, record, bean or JSON text: {@code event_id},
 *       {@code eventId}, {@code message_id}, {@code messageId}, {@code MessageId}, {@code id}.</li>
 * </ol>
 *
 * <p>JSON text is a {@code CharSequence} or {@code byte[]} argument starting with <code>{</code>; only its
 * top-level fields count, and text that is not valid JSON is ignored. Scalars are character sequences,
 * numbers, UUIDs, URIs, enums (by name), booleans and characters. Other JDK types are ignored. Which names
 * a record or bean class has is looked up once per class. Stateless otherwise and thread-safe.
 */
final class WellKnownIdentity {

    private static final List<String> HEADER_NAMES = List.of(
            "Idempotency-Key", "X-GitHub-Delivery", "webhook-id", "X-Shopify-Webhook-Id", "x-amz-sns-message-id");
    private static final List<String> BODY_NAMES = List.of(
            "event_id", "eventId", "message_id", "messageId", "MessageId", "id");
    private static final String SPEC_VERSION = "specversion";
    /** The CloudEvents Java SDK's {@code CloudEvent.getSpecVersion()} reads as this property. */
    private static final String SPEC_VERSION_PROPERTY = "specVersion";
    /** Every name looked up in a JSON object, record or bean. */
    private static final Set<String> OBJECT_NAMES = Set.copyOf(Stream.concat(BODY_NAMES.stream(),
            Stream.of("source", SPEC_VERSION, SPEC_VERSION_PROPERTY)).toList());
    private static final JsonFactory JSON = new JsonFactory();

    /** The accessors of the names in {@link #OBJECT_NAMES} that a record or bean class has. */
    private static final ClassValue<Map<String, PropertyAccess.Accessor>> BEAN_FIELDS = new ClassValue<>() {
        @Override
        protected Map<String, PropertyAccess.Accessor> computeValue(Class<?> type) {
            Map<String, PropertyAccess.Accessor> fields = new HashMap<>();
            for (String name : OBJECT_NAMES) {
                if (PropertyAccess.has(type, name)) {
                    fields.put(name, PropertyAccess.accessor(type, name));
                }
            }
            return Map.copyOf(fields);
        }
    };

    /** Top-level scalar fields of a JSON object argument, as text. */
    private record JsonFields(Map<String, String> fields) {
    }

    private WellKnownIdentity() {
    }

    /**
     * The event identity found in {@code args}, or {@code null}.
     *
     * @throws PropertyAccess.ReadException when a getter of an argument throws
     */
    static String find(Object[] args) {
        if (args == null) {
            return null;
        }
        List<Object> subjects = subjects(args);
        for (String name : HEADER_NAMES) {
            for (Object subject : subjects) {
                if (subject instanceof Map<?, ?> map) {
                    String value = scalar(ignoringCase(map, name));
                    if (value != null) {
                        return value;
                    }
                }
            }
        }
        for (Object subject : subjects) {
            String cloudEvent = cloudEventIdentity(subject);
            if (cloudEvent != null) {
                return cloudEvent;
            }
        }
        for (String name : BODY_NAMES) {
            for (Object subject : subjects) {
                String value = scalar(field(subject, name));
                if (value != null) {
                    return value;
                }
            }
        }
        return null;
    }

    /** The arguments that may hold an identity: maps, parsed JSON objects, records and beans. */
    private static List<Object> subjects(Object[] args) {
        List<Object> subjects = new ArrayList<>(args.length);
        for (Object arg : args) {
            if (arg instanceof Map<?, ?>) {
                subjects.add(arg);
            } else if (arg instanceof CharSequence || arg instanceof byte[]) {
                JsonFields json = jsonObject(arg);
                if (json != null) {
                    subjects.add(json);
                }
            } else if (arg != null && !(arg instanceof Enum<?>) && !(arg instanceof Collection<?>)
                    && !arg.getClass().isArray() && !isJdkType(arg.getClass())) {
                subjects.add(arg);
            }
        }
        return subjects;
    }

    private static String cloudEventIdentity(Object subject) {
        if (subject instanceof Map<?, ?> map) {
            String id = scalar(ignoringCase(map, "ce-id"));
            String source = scalar(ignoringCase(map, "ce-source"));
            if (id != null && source != null) {
                return source + " " + id;
            }
        }
        boolean bean = !(subject instanceof Map<?, ?>) && !(subject instanceof JsonFields);
        if (scalar(field(subject, SPEC_VERSION)) == null
                && (!bean || scalar(field(subject, SPEC_VERSION_PROPERTY)) == null)) {
            return null;
        }
        String id = scalar(field(subject, "id"));
        String source = scalar(field(subject, "source"));
        return id != null && source != null ? source + " " + id : null;
    }

    private static Object field(Object subject, String name) {
        if (subject instanceof JsonFields json) {
            return json.fields().get(name);
        }
        if (subject instanceof Map<?, ?> map) {
            return exact(map, name);
        }
        PropertyAccess.Accessor accessor = BEAN_FIELDS.get(subject.getClass()).get(name);
        return accessor == null ? null : accessor.read(subject);
    }

    private static Object exact(Map<?, ?> map, String key) {
        try {
            return map.get(key);
        } catch (ClassCastException e) {
            return null;
        }
    }

    private static Object ignoringCase(Map<?, ?> map, String name) {
        Object value = exact(map, name);
        if (value != null) {
            return value;
        }
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            if (entry.getKey() instanceof CharSequence key && name.equalsIgnoreCase(key.toString())) {
                return entry.getValue();
            }
        }
        return null;
    }

    /** The value as identity text, the first element of a list or array; {@code null} if blank or not scalar. */
    private static String scalar(Object value) {
        if (value instanceof List<?> list) {
            value = list.isEmpty() ? null : list.get(0);
        } else if (value instanceof Object[] array) {
            value = array.length == 0 ? null : array[0];
        }
        String text;
        if (value instanceof Enum<?> constant) {
            text = constant.name();
        } else if (value instanceof CharSequence || value instanceof Number || value instanceof UUID
                || value instanceof URI || value instanceof Boolean || value instanceof Character) {
            text = value.toString();
        } else {
            return null;
        }
        return text.isBlank() ? null : text;
    }

    private static JsonFields jsonObject(Object text) {
        if (!startsWithBrace(text)) {
            return null;
        }
        try (JsonParser parser = text instanceof byte[] bytes
                ? JSON.createParser(bytes) : JSON.createParser(text.toString())) {
            parser.nextToken();
            Map<String, String> fields = new HashMap<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value.isScalarValue() && value != JsonToken.VALUE_NULL && OBJECT_NAMES.contains(name)) {
                    fields.putIfAbsent(name, parser.getText());
                } else {
                    parser.skipChildren();
                }
            }
            return new JsonFields(fields);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean startsWithBrace(Object text) {
        if (text instanceof byte[] bytes) {
            for (byte b : bytes) {
                if (!Character.isWhitespace(b)) {
                    return b == '{';
                }
            }
            return false;
        }
        CharSequence chars = (CharSequence) text;
        for (int i = 0; i < chars.length(); i++) {
            if (!Character.isWhitespace(chars.charAt(i))) {
                return chars.charAt(i) == '{';
            }
        }
        return false;
    }

    private static boolean isJdkType(Class<?> type) {
        String module = type.getModule().getName();
        return module != null && (module.startsWith("java.") || module.startsWith("jdk."));
    }
}
