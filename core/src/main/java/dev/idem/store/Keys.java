package dev.idem.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The one rule that turns a namespace and a resolved key into the full key a store sees, and the
 * validation every store applies. Stateless and thread-safe.
 *
 * <p>The full key is {@code namespace + ":" + key}. When that would be longer than {@link #MAX_LENGTH}
 * characters, or the key holds a control character or an unpaired surrogate (which some stores cannot
 * keep), the key part is replaced by {@code "sha256:" + hex(SHA-256(UTF-8 key))} and the original is
 * kept, shortened to {@link #MAX_ORIGINAL_LENGTH} characters, for the audit only.
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
        if (namespace.length() + 1 + key.length() <= MAX_LENGTH && printable(key)) {
            return new StoreKey(namespace + ":" + key, null);
        }
        String original = key.length() > MAX_ORIGINAL_LENGTH ? key.substring(0, MAX_ORIGINAL_LENGTH) : key;
        return new StoreKey(namespace + ":" + HASH_PREFIX + sha256Hex(key), original);
    }

    /** Checks a namespace: 1 to {@link #MAX_NAMESPACE_LENGTH} printable characters. */
    public static void requireNamespace(String namespace) {
        if (namespace == null || namespace.isEmpty() || namespace.length() > MAX_NAMESPACE_LENGTH
                || !printable(namespace)) {
            throw new IllegalArgumentException("a namespace must have 1 to " + MAX_NAMESPACE_LENGTH
                    + " printable characters: '" + namespace + "'");
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

    /** The lower-case hex SHA-256 of the UTF-8 bytes of {@code text}. */
    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == 0x7f) {
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
