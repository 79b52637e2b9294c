package dev.idem;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The fingerprint of a call: the first 128 bits of the SHA-256 of the canonical JSON of selected
 * arguments, as 32 hex characters (collisions need about 2^64 tries, and a colliding payload still has to
 * carry the same key; the shorter form keeps a Redis record under 200 bytes), with object
 * properties and map entries sorted by name. A string or byte-array argument holding a JSON object or
 * array is canonicalised too, so a minified and a pretty-printed delivery of one body agree; text that
 * is not exactly one JSON document without duplicate names is hashed as it is. Numbers in JSON text are
 * compared exactly as written ({@code 1.0} is not {@code 1.00}). Stateless and thread-safe.
 */
final class Fingerprints {

    private static final int FINGERPRINT_BYTES = 16;
    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Fingerprints::sha256);

    private Fingerprints() {
    }

    /** Builds the mapper, and what it writes an object with, now rather than for the first fingerprint that needs them. */
    static void prepare() {
        of(new Object[] {Map.of("prepared", true)}, List.of("prepare"));
    }

    /**
     * The fingerprint of {@code values}.
     *
     * @param names the values' names, for the error message
     * @throws IllegalArgumentException naming the value that cannot be written as JSON
     */
    static String of(Object[] values, List<String> names) {
        Object[] canonical = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            canonical[i] = canonical(values[i]);
        }
        MessageDigest digest = DIGEST.get();
        byte[] plain = ScalarJson.encodeArray(canonical);
        if (plain != null) {
            digest.update(plain);
        } else {
            try {
                Canonical.MAPPER.writeValue(new DigestStream(digest), canonical);
            } catch (IOException | RuntimeException e) {
                digest.reset();
                throw new IllegalArgumentException(culprit(canonical, names, e), e);
            }
        }
        return HexFormat.of().formatHex(digest.digest(), 0, FINGERPRINT_BYTES);
    }

    private static String culprit(Object[] values, List<String> names, Exception failure) {
        for (int i = 0; i < values.length; i++) {
            try {
                Canonical.MAPPER.writeValue(OutputStream.nullOutputStream(), values[i]);
            } catch (IOException | RuntimeException e) {
                return "cannot fingerprint parameter '" + names.get(i) + "' (" + values[i].getClass().getName() + "): "
                        + e.getMessage() + "; leave it out with fingerprintParameters, or turn the fingerprint off";
            }
        }
        return "cannot fingerprint the arguments: " + failure.getMessage();
    }

    private static Object canonical(Object value) {
        if (value instanceof CharSequence && looksLikeJson((CharSequence) value)) {
            return parsedOr(value.toString().getBytes(StandardCharsets.UTF_8), value);
        }
        if (value instanceof byte[] && looksLikeJson((byte[]) value)) {
            return parsedOr((byte[]) value, value);
        }
        return value;
    }

    private static Object parsedOr(byte[] json, Object fallback) {
        try {
            return Canonical.MAPPER.readValue(json, Object.class);
        } catch (IOException notJson) {
            return fallback;
        }
    }

    private static boolean looksLikeJson(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c)) {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    private static boolean looksLikeJson(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '{' || b == '[';
            }
        }
        return false;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** The canonical mapper, built when a fingerprint first needs it: most are of plain strings and numbers. */
    private static final class Canonical {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();

        private Canonical() {
        }
    }

    /** Feeds what Jackson writes straight into the digest. */
    private static final class DigestStream extends OutputStream {
        private final MessageDigest digest;

        DigestStream(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            digest.update(bytes, offset, length);
        }
    }
}
