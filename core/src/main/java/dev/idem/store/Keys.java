package dev.idem.store;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one rule that turns a namespace and a resolved key into the full key a store sees, and the
 * validation every store applies. Stateless and thread-safe.
 *
 * <p>The full key is {@code namespace + ":" + key}. When that would be longer than {@link #MAX_LENGTH}
 * characters, or the key holds a control character or an unpaired surrogate (which some stores cannot
 * keep), or it starts with {@code "sha256:"} itself, the key part is replaced by
 * {@code "sha256:" + hex(SHA-256(key))} and the original is kept, shortened to
 * {@link #MAX_ORIGINAL_LENGTH} characters with control characters escaped, for the audit only. The hash
 * is over the key's UTF-8 bytes, with an unpaired surrogate written as its own three bytes (WTF-8), so
 * that no two keys share a hash input. Namespaces cannot contain {@code ':'}, so no two
 * (namespace, key) pairs share a full key.
 */
public final class Keys {

    /** The longest full key a store accepts, in UTF-16 characters. */
    public static final int MAX_LENGTH = 255;
    /** The longest namespace. */
    public static final int MAX_NAMESPACE_LENGTH = 150;
    /** The longest step name. */
    public static final int MAX_STEP_NAME_LENGTH = 200;
    /** The longest original key kept beside a hashed one. */
    public static final int MAX_ORIGINAL_LENGTH = 1000;

    private static final String HASH_PREFIX = "sha256:";

    private Keys() {
    }

    /**
     * A full key and, when it had to be hashed, the original key part.
     *
     * @param full the key the store sees
     * @param original the shortened original key part when it was hashed, else {@code null}
     */
    public record StoreKey(String full, String original) {
    }

    /**
     * Builds the full key.
     *
     * @throws IllegalArgumentException when the namespace is empty, too long or not printable, or the key
     *     is empty
     */
    public static StoreKey of(String namespace, String key) {
        requireNamespace(namespace);
        if (key == null || key.isEmpty()) {
            throw new IllegalArgumentException("the key of namespace '" + namespace + "' is empty");
        }
        if (namespace.length() + 1 + key.length() <= MAX_LENGTH && printable(key) && !key.startsWith(HASH_PREFIX)) {
            return new StoreKey(namespace + ":" + key, null);
        }
        return new StoreKey(namespace + ":" + HASH_PREFIX + sha256Hex(key), displayable(shorten(key, MAX_ORIGINAL_LENGTH)));
    }

    /**
     * {@code text} cut to at most {@code max} characters, never between the two halves of a surrogate pair.
     */
    public static String shorten(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(max - 1)) ? max - 1 : max;
        return text.substring(0, end);
    }

    /** Checks a namespace: 1 to {@link #MAX_NAMESPACE_LENGTH} printable characters, no {@code ':'}. */
    public static void requireNamespace(String namespace) {
        if (namespace == null || namespace.isEmpty() || namespace.length() > MAX_NAMESPACE_LENGTH
                || !printable(namespace) || namespace.indexOf(':') >= 0) {
            throw new IllegalArgumentException("a namespace must have 1 to " + MAX_NAMESPACE_LENGTH
                    + " printable characters and no ':': '" + namespace + "'");
        }
    }

    /**
     * Checks a full key as a store receives it.
     *
     * @throws IllegalArgumentException when it is null, empty, longer than {@link #MAX_LENGTH} or not
     *     printable; build keys with {@link #of(String, String)} to avoid this
     */
    public static void requireValid(String fullKey) {
        if (fullKey == null || fullKey.isEmpty()) {
            throw new IllegalArgumentException("a key must not be empty");
        }
        if (fullKey.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("a key must have at most " + MAX_LENGTH + " characters, this one has "
                    + fullKey.length() + "; build keys with Keys.of, which hashes long ones");
        }
        if (!printable(fullKey)) {
            throw new IllegalArgumentException("a key must not hold control characters or unpaired surrogates; "
                    + "build keys with Keys.of, which hashes such keys");
        }
    }

    /**
     * The lower-case hex SHA-256 of the UTF-8 bytes of {@code text}; an unpaired surrogate counts as its
     * own three bytes (WTF-8), so that different strings never hash the same input.
     */
    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256().digest(wtf8(text)));
    }

    private static byte[] wtf8(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() + 16);
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            i += Character.charCount(codePoint);
            if (codePoint < 0x80) {
                out.write(codePoint);
            } else if (codePoint < 0x800) {
                out.write(0xC0 | codePoint >> 6);
                out.write(0x80 | codePoint & 0x3F);
            } else if (codePoint < 0x10000) {
                out.write(0xE0 | codePoint >> 12);
                out.write(0x80 | codePoint >> 6 & 0x3F);
                out.write(0x80 | codePoint & 0x3F);
            } else {
                out.write(0xF0 | codePoint >> 18);
                out.write(0x80 | codePoint >> 12 & 0x3F);
                out.write(0x80 | codePoint >> 6 & 0x3F);
                out.write(0x80 | codePoint & 0x3F);
            }
        }
        return out.toByteArray();
    }

    /** {@code text} with control characters and unpaired surrogates written as Java-style backslash-u escapes. */
    public static String displayable(String text) {
        if (printable(text)) {
            return text;
        }
        StringBuilder escaped = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean pair = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (pair) {
                escaped.append(c).append(text.charAt(++i));
            } else if (control(c) || Character.isSurrogate(c)) {
                escaped.append(String.format("\\u%04x", (int) c));
            } else {
                escaped.append(c);
            }
        }
        return escaped.toString();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static boolean control(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }

    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (control(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
