package dev.idem;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/** Targets from registered instances, else from no-argument constructors; see {@link DeferredWorker.Targets#of}. */
final class RegisteredTargets implements DeferredWorker.Targets {

    private static final Object NONE = new Object();

    private final List<Object> instances;
    private final List<ClassLoader> loaders;
    private final ConcurrentHashMap<Class<?>, Object> created = new ConcurrentHashMap<>();

    RegisteredTargets(List<Object> instances, List<ClassLoader> loaders) {
        this.instances = List.copyOf(instances);
        this.loaders = List.copyOf(loaders);
    }

    @Override
    public Class<?> loadClass(String name) throws ClassNotFoundException {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader loader : instances.isEmpty() ? loaders : withInstances()) {
            try {
                return Class.forName(name, false, loader);
            } catch (ClassNotFoundException tryNext) {
                // the next loader may have it
            }
        }
        return Class.forName(name, false, context != null ? context : RegisteredTargets.class.getClassLoader());
    }

    private List<ClassLoader> withInstances() {
        List<ClassLoader> all = new java.util.ArrayList<>();
        for (Object instance : instances) {
            all.add(instance.getClass().getClassLoader());
        }
        all.addAll(loaders);
        return all;
    }

    @Override
    public Object target(Method method) {
        Class<?> owner = method.getDeclaringClass();
        for (Object instance : instances) {
            if (owner.isInstance(instance)) {
                return instance;
            }
        }
        Object target = created.computeIfAbsent(owner, type -> {
            try {
                Constructor<?> constructor = type.getDeclaredConstructor();
                constructor.trySetAccessible();
                return constructor.newInstance();
            } catch (ReflectiveOperationException | RuntimeException noConstructor) {
                return NONE;
            }
        });
        return target == NONE ? null : target;
    }
}
