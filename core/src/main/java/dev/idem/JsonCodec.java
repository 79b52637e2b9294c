package dev.idem;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.deser.DefaultDeserializationContext;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default codec: JSON by Jackson against the declared generic type, so a method returning
 * {@code List<Receipt>} replays a {@code List<Receipt>}. Records, beans, {@code java.time} and
 * {@code Optional} work out of the box. No default typing: the stored bytes never choose a class.
 * Unknown properties are ignored on decode, so results stored by an older version of a class replay.
 * Encoded values larger than {@link #maxBytes()} are refused. With Idem's own mapper, strings, whole
 * numbers, booleans and {@code void} are written and read without Jackson (in the same bytes), and the
 * mapper is built for the first value that needs it (or by {@link #prepare()}): building one costs a
 * cold JVM hundreds of milliseconds. Thread-safe.
 */
public final class JsonCodec implements Codec {

    /** The default size limit of one encoded value: 1 MiB. */
    public static final int DEFAULT_MAX_BYTES = 1 << 20;

    /** Idem's own mapper, built on first use; strings, whole numbers and booleans never need it. */
    private final boolean idemMapper;
    private volatile ObjectMapper mapper;
    private final int maxBytes;
    private final Map<Type, ObjectReader> readers = new ConcurrentHashMap<>();
    private final Map<Type, ObjectWriter> writers = new ConcurrentHashMap<>();

    /** {@code mapper}: the application's, or {@code null} for Idem's own. */
    private JsonCodec(ObjectMapper mapper, int maxBytes) {
        this.idemMapper = mapper == null;
        this.mapper = mapper;
        this.maxBytes = maxBytes;
    }

    /** A codec with Idem's mapper and the default size limit. */
    public static JsonCodec create() {
        return new JsonCodec(null, DEFAULT_MAX_BYTES);
    }

    /** A codec with Idem's mapper and a size limit in bytes. */
    public static JsonCodec withMaxBytes(int maxBytes) {
        return new JsonCodec(null, requirePositive(maxBytes));
    }

    /**
     * A codec with the application's own mapper (its modules and naming). The mapper must not enable
     * default typing: the stored bytes would choose the classes to create.
     */
    public static JsonCodec withMapper(ObjectMapper mapper, int maxBytes) {
        Objects.requireNonNull(mapper, "mapper");
        if (mapper.getDeserializationConfig().getDefaultTyper(mapper.constructType(Object.class)) != null) {
            throw new IllegalArgumentException("the ObjectMapper has default typing enabled, which lets stored data "
                    + "choose the classes to create; give Idem a mapper without it");
        }
        return new JsonCodec(mapper.copy(), requirePositive(maxBytes));
    }

    /** The mapper Idem uses unless told otherwise. */
    public static ObjectMapper defaultMapper() {
        return DefaultMapper.build();
    }

    /** The size limit of one encoded value, in bytes. */
    public int maxBytes() {
        return maxBytes;
    }

    @Override
    public byte[] encode(Object value, Type type) {
        byte[] bytes = scalar(type) ? ScalarJson.encode(value) : null;
        if (bytes == null) {
            try {
                bytes = writer(type).writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("cannot encode a " + describe(value) + " as JSON for "
                        + type.getTypeName() + ": " + e.getOriginalMessage(), e);
            }
        }
        if (bytes.length > maxBytes) {
            throw new IllegalArgumentException("the encoded " + type.getTypeName() + " has " + bytes.length
                    + " bytes, more than the limit of " + maxBytes + "; return less, or raise the codec's limit");
        }
        return bytes;
    }

    @Override
    public Object decode(byte[] bytes, Type type) {
        Object scalar = scalar(type) ? ScalarJson.decode(bytes, (Class<?>) type) : ScalarJson.NOT_HANDLED;
        if (scalar != ScalarJson.NOT_HANDLED) {
            return scalar;
        }
        try {
            return reader(type).readValue(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode " + bytes.length + " bytes of JSON as "
                    + type.getTypeName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public byte[] encodeArguments(Object[] values, Type[] types) {
        if (values.length != types.length) {
            throw new IllegalArgumentException(values.length + " arguments for " + types.length + " parameter types");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator generator = mapper().createGenerator(out)) {
            generator.writeStartArray();
            for (int i = 0; i < values.length; i++) {
                try {
                    writer(types[i]).writeValue(generator, values[i]);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("cannot encode argument " + i + " (a " + describe(values[i])
                            + ") as JSON for " + types[i].getTypeName() + ": " + e.getOriginalMessage(), e);
                }
            }
            generator.writeEndArray();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the arguments as JSON: " + e.getMessage(), e);
        }
        if (out.size() > maxBytes) {
            throw new IllegalArgumentException("the encoded arguments have " + out.size() + " bytes, more than the limit of "
                    + maxBytes + "; pass less, or raise the codec's limit");
        }
        return out.toByteArray();
    }

    @Override
    public Object[] decodeArguments(byte[] bytes, Type[] types) {
        try (JsonParser parser = mapper().createParser(bytes)) {
            if (parser.nextToken() != JsonToken.START_ARRAY) {
                throw new IllegalArgumentException("the encoded arguments are not a JSON array");
            }
            Object[] values = new Object[types.length];
            for (int i = 0; i < types.length; i++) {
                if (parser.nextToken() == JsonToken.END_ARRAY) {
                    throw new IllegalArgumentException("the encoded arguments hold " + i + " values, the method takes "
                            + types.length);
                }
                values[i] = reader(types[i]).readValue(parser);
            }
            if (parser.nextToken() != JsonToken.END_ARRAY) {
                throw new IllegalArgumentException("the encoded arguments hold more than the " + types.length
                        + " values the method takes");
            }
            return values;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot decode the arguments: " + e.getMessage(), e);
        }
    }

    private ObjectWriter writer(Type type) {
        return writers.computeIfAbsent(type, t -> mapper().writerFor(mapper().constructType(t)));
    }

    private ObjectReader reader(Type type) {
        return readers.computeIfAbsent(type, t -> mapper().readerFor(mapper().constructType(t)));
    }

    /** Whether values of {@code type} may skip Jackson: only with Idem's mapper, which writes them plainly. */
    private boolean scalar(Type type) {
        return idemMapper && type instanceof Class && ScalarJson.handles((Class<?>) type);
    }

    private ObjectMapper mapper() {
        ObjectMapper built = mapper;
        if (built == null) {
            synchronized (this) {
                built = mapper;
                if (built == null) {
                    built = defaultMapper();
                    mapper = built;
                }
            }
        }
        return built;
    }

    /** Whether the mapper is built. */
    boolean hasMapper() {
        return mapper != null;
    }

    /** Builds Idem's mapper now rather than for the first value that needs it. */
    @Override
    public void prepare() {
        mapper();
    }

    @Override
    public void validate(Type type) {
        if (scalar(type)) {
            return;
        }
        ObjectMapper jackson = mapper();
        JavaType javaType = jackson.constructType(type);
        if (javaType.getRawClass() == Object.class) {
            throw new IllegalArgumentException("the type is Object, so Idem cannot know which class to replay; "
                    + "declare the concrete type");
        }
        requireConcrete(javaType, new HashSet<>(), javaType.toCanonical());
        DefaultDeserializationContext context = ((DefaultDeserializationContext) jackson.getDeserializationContext())
                .createInstance(jackson.getDeserializationConfig(), null, jackson.getInjectableValues());
        try {
            context.findRootValueDeserializer(javaType);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("Jackson cannot deserialize " + javaType.toCanonical() + ": "
                    + e.getMessage(), e);
        }
    }

    /** Walks the type, its elements and its properties: none may be abstract without declared subtypes. */
    private void requireConcrete(JavaType type, Set<JavaType> seen, String root) {
        if (type == null || !seen.add(type) || type.isPrimitive() || type.isEnumType()) {
            return;
        }
        Class<?> raw = type.getRawClass();
        if (raw == Object.class || raw == Void.class || raw.isAnnotationPresent(JsonTypeInfo.class)
                || raw.isAnnotationPresent(JsonDeserialize.class)) {
            return;
        }
        if (type.isContainerType() || type.isReferenceType()) {
            requireConcrete(type.getKeyType(), seen, root);
            requireConcrete(type.getContentType(), seen, root);
            return;
        }
        if (type.isAbstract()) {
            throw new IllegalArgumentException(raw.getName() + (raw.getName().equals(root) ? "" : " (in " + root + ")")
                    + " is " + (raw.isInterface() ? "an interface" : "abstract") + " and Idem never lets stored data "
                    + "choose the class to create; declare a concrete type (or annotate it with @JsonTypeInfo and "
                    + "@JsonSubTypes)");
        }
        if (raw.getName().startsWith("java.")) {
            return;
        }
        for (BeanPropertyDefinition property : mapper().getDeserializationConfig().introspect(type).findProperties()) {
            if (property.couldDeserialize()) {
                requireConcrete(property.getPrimaryType(), seen, root);
            }
        }
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getName();
    }

    private static int requirePositive(int maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        return maxBytes;
    }

    @Override
    public String toString() {
        return "JsonCodec[maxBytes=" + maxBytes + "]";
    }

    /**
     * Builds Idem's default mapper. A class of its own so that loading and verifying {@link JsonCodec},
     * which every engine does at start, does not load Jackson's modules (tens of ms in a cold JVM).
     */
    private static final class DefaultMapper {
        private DefaultMapper() {
        }

        static ObjectMapper build() {
            return JsonMapper.builder()
                    .addModule(new JavaTimeModule())
                    .addModule(new Jdk8Module())
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                    .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                    .build();
        }
    }
}
