package dev.idem.testing;

import dev.idem.Idem;
import dev.idem.IdempotentMethod;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/**
 * Plays the part of a weaver in tests: calls a method of a target through {@link IdempotentMethod#invoke},
 * running the original body by reflection, exactly as the agent and the starter drive the engine.
 */
public final class ReflectiveWeaver {

    private final Idem idem;

    public ReflectiveWeaver(Idem idem) {
        this.idem = idem;
    }

    /** Calls {@code target.methodName(args)} through Idem; rethrows what the call throws, unwrapped. */
    @SuppressWarnings("unchecked")
    public <T> T call(Object target, String methodName, Object... args) {
        Method method = find(target.getClass(), methodName);
        try {
            return (T) idem.method(method).invoke(target, args, () -> {
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw sneaky(e.getCause());
                }
            });
        } catch (Throwable t) {
            throw sneaky(t);
        }
    }

    /** The registered form of {@code target.methodName}. */
    public IdempotentMethod method(Object target, String methodName) {
        return idem.method(find(target.getClass(), methodName));
    }

    /** The only method of {@code type} called {@code name}. */
    public static Method find(Class<?> type, String name) {
        Method[] matches = Arrays.stream(type.getDeclaredMethods()).filter(m -> m.getName().equals(name))
                .toArray(Method[]::new);
        if (matches.length != 1) {
            throw new IllegalArgumentException(type.getName() + " has " + matches.length + " methods named " + name);
        }
        matches[0].setAccessible(true);
        return matches[0];
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
        throw (E) t;
    }
}
