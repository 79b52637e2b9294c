package dev.idem;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The JSON of the values most methods take and return (null, booleans, whole numbers, plain strings),
 * written and read without Jackson, byte for byte as Idem's Jackson mappers write them. Building a Jackson
 * mapper costs a cold JVM hundreds of milliseconds, so the codec and the fingerprints build theirs only
 * when a value needs one. Whatever this class is not sure to handle exactly as Jackson would (a string
 * with characters Jackson escapes, a number as text, a non-canonical form) it leaves to Jackson, by
 * answering {@code null} or {@link #NOT_HANDLED}. Stateless and thread-safe.
 */
final class ScalarJson {

    /** What {@link #decode} answers for bytes it leaves to Jackson. */
    static final Object NOT_HANDLED = new Object();

    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final int LONGEST_LONG = String.valueOf(Long.MIN_VALUE).length();

    private ScalarJson() {
    }

    /** Whether values declared as {@code type} are handled here (void, booleans, whole numbers, strings). */
    static boolean handles(Class<?> type) {
        return type == String.class || type == void.class || type == Void.class || type == boolean.class
                || type == Boolean.class || integral(type);
    }

    /** The JSON of {@code value}, or {@code null} when Jackson must write it. */
    static byte[] encode(Object value) {
        if (value == null) {
            return NULL.clone();
        }
        if (value instanceof String) {
            return string((String) value);
        }
        if (value instanceof Boolean) {
            return ((Boolean) value ? TRUE : FALSE).clone();
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ascii(value.toString());
        }
        return null;
    }

    /**
     * The JSON array of {@code values}, or {@code null} when one of them must be written by Jackson; each
     * value is written as its own class, as Jackson writes an {@code Object[]}.
     */
    static byte[] encodeArray(Object[] values) {
        byte[][] elements = new byte[values.length][];
        int length = 2 + Math.max(0, values.length - 1);
        for (int i = 0; i < values.length; i++) {
            elements[i] = encode(values[i]);
            if (elements[i] == null) {
                return null;
            }
            length += elements[i].length;
        }
        byte[] array = new byte[length];
        int at = 0;
        array[at++] = '[';
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) {
                array[at++] = ',';
            }
            System.arraycopy(elements[i], 0, array, at, elements[i].length);
            at += elements[i].length;
        }
        array[at] = ']';
        return array;
    }

    /**
     * The value of {@code type} that {@code json} holds, or {@link #NOT_HANDLED} unless {@code json} is
     * exactly what {@link #encode} writes for such a value.
     */
    static Object decode(byte[] json, Class<?> type) {
        if (Arrays.equals(json, NULL)) {
            return type.isPrimitive() && type != void.class ? NOT_HANDLED : null;
        }
        if (type == String.class) {
            return plainString(json);
        }
        if (type == boolean.class || type == Boolean.class) {
            return Arrays.equals(json, TRUE) ? Boolean.TRUE : Arrays.equals(json, FALSE) ? Boolean.FALSE : NOT_HANDLED;
        }
        if (integral(type)) {
            return wholeNumber(json, type);
        }
        return NOT_HANDLED;
    }

    private static boolean integral(Class<?> type) {
        return type == int.class || type == Integer.class || type == long.class || type == Long.class
                || type == short.class || type == Short.class || type == byte.class || type == Byte.class;
    }

    /** Jackson escapes quotes, backslashes and control characters, and pairs surrogates: those go to it. */
    private static byte[] string(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c)) {
                return null;
            }
        }
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        byte[] json = new byte[text.length + 2];
        json[0] = '"';
        System.arraycopy(text, 0, json, 1, text.length);
        json[json.length - 1] = '"';
        return json;
    }

    private static Object plainString(byte[] json) {
        if (json.length < 2 || json[0] != '"' || json[json.length - 1] != '"') {
            return NOT_HANDLED;
        }
        for (int i = 1; i < json.length - 1; i++) {
            if ((json[i] & 0xFF) < 0x20 || json[i] == '"' || json[i] == '\\') {
                return NOT_HANDLED;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(json, 1, json.length - 2)).toString();
        } catch (CharacterCodingException malformed) {
            return NOT_HANDLED;
        }
    }

    private static Object wholeNumber(byte[] json, Class<?> type) {
        if (json.length == 0 || json.length > LONGEST_LONG) {
            return NOT_HANDLED;
        }
        for (int i = 0; i < json.length; i++) {
            if (!(json[i] >= '0' && json[i] <= '9' || i == 0 && json[i] == '-')) {
                return NOT_HANDLED;
            }
        }
        String text = new String(json, StandardCharsets.US_ASCII);
        long value;
        try {
            value = Long.parseLong(text);
        } catch (NumberFormatException outOfRange) {
            return NOT_HANDLED;
        }
        if (!Long.toString(value).equals(text)) {
            return NOT_HANDLED;
        }
        if (type == long.class || type == Long.class) {
            return value;
        }
        if (type == int.class || type == Integer.class) {
            return value == (int) value ? (Object) (int) value : NOT_HANDLED;
        }
        if (type == short.class || type == Short.class) {
            return value == (short) value ? (Object) (short) value : NOT_HANDLED;
        }
        return value == (byte) value ? (Object) (byte) value : NOT_HANDLED;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
