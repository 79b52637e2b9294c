package dev.idem;

import java.lang.reflect.Type;

/**
 * Encodes results, saved steps and deferred invocations for the store, against their declared
 * (generic) types, and decodes them back. Implementations must be thread-safe, must never use Java
 * native serialization, and must never let the stored bytes choose the type to create.
 */
public interface Codec {

    /**
     * Encodes {@code value} (may be null) as {@code type}.
     *
     * @throws IllegalArgumentException when it cannot be encoded or its encoded form is too large; the
     *     message says why, the engine adds the method and key
     */
    byte[] encode(Object value, Type type);

    /**
     * Decodes bytes written by {@link #encode} for {@code type}.
     *
     * @throws IllegalArgumentException when they cannot be decoded as {@code type}
     */
    Object decode(byte[] bytes, Type type);

    /**
     * Encodes the arguments of a deferred invocation, each against its declared parameter type.
     *
     * @throws IllegalArgumentException when one cannot be encoded or the whole is too large
     */
    byte[] encodeArguments(Object[] values, Type[] types);

    /**
     * Decodes arguments written by {@link #encodeArguments} for the given parameter types.
     *
     * @throws IllegalArgumentException when they cannot be decoded as those types
     */
    Object[] decodeArguments(byte[] bytes, Type[] types);

    /**
     * Checks, when a method is registered, that values of {@code type} can be replayed.
     *
     * @throws IllegalArgumentException saying why not (for example, an interface with no known implementation)
     */
    void validate(Type type);

    /**
     * Builds now whatever the codec would build for the first value that needs it, so that the first call
     * does not wait for it. The default does nothing.
     */
    default void prepare() {
    }
}
