package dev.idem;

import dev.idem.annotation.IdempotencyReplayedFailureException;
import dev.idem.store.ErrorInfo;
import java.lang.reflect.Constructor;
import java.util.List;

/**
 * Rebuilds a remembered failure for its replay. Only a class that is one of the method's trusted
 * failure types (its {@code rememberOn} types, or else the types its {@code throws} clause declares)
 * is created, through its {@code (String)} or no-argument constructor and without running its static
 * initialiser first; anything else replays as {@link IdempotencyReplayedFailureException}. The stored
 * type name therefore never chooses an arbitrary class. Immutable and thread-safe.
 */
final class FailureReplay {

    private final List<Class<?>> trusted;
    private final ClassLoader loader;

    FailureReplay(List<Class<?>> trusted, ClassLoader loader) {
        this.trusted = List.copyOf(trusted);
        this.loader = loader;
    }

    /** The exception to throw for the remembered {@code error} of {@code key}. */
    Throwable rebuild(String key, ErrorInfo error) {
        Throwable replayed = new IdempotencyReplayedFailureException(key, error.type(), error.message());
        Class<?> type = trustedType(error.type());
        if (type == null) {
            return replayed;
        }
        Throwable rebuilt = construct(type, error.message());
        if (rebuilt == null) {
            return replayed;
        }
        rebuilt.addSuppressed(replayed);
        return rebuilt;
    }

    private Class<?> trustedType(String name) {
        Class<?> type;
        try {
            type = Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
        if (!Throwable.class.isAssignableFrom(type)) {
            return null;
        }
        for (Class<?> candidate : trusted) {
            if (candidate.isAssignableFrom(type)) {
                return type;
            }
        }
        return null;
    }

    private static Throwable construct(Class<?> type, String message) {
        try {
            Constructor<?> withMessage = type.getConstructor(String.class);
            return (Throwable) withMessage.newInstance(message);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            if (message != null) {
                return null;
            }
        }
        try {
            return (Throwable) type.getConstructor().newInstance();
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }
}
