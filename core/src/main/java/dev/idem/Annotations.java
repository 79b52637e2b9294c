package dev.idem;

import dev.idem.annotation.IdempotencyKey;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.InProgress;
import dev.idem.annotation.Jitter;
import dev.idem.annotation.OnFailure;
import dev.idem.annotation.Retryable;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns Idem's annotations into policies; a bad attribute throws naming the attribute and its value.
 * Annotations are found by type name and read reflectively, so a copy of {@code idem-annotations} in
 * another class loader (an application that bundles it while the agent puts its own on the bootstrap
 * class path) is read the same way.
 */
final class Annotations {

    private static final String IDEMPOTENT = Idempotent.class.getName();
    private static final String RETRYABLE = Retryable.class.getName();
    private static final String IDEMPOTENCY_KEY = IdempotencyKey.class.getName();

    private Annotations() {
    }

    /** The {@code @Idempotent} of {@code method} as a policy, or {@code null} when it has none. */
    static IdempotencyPolicy idempotency(Method method) {
        Annotation annotation = find(method, IDEMPOTENT);
        if (annotation == null) {
            return null;
        }
        Attributes attributes = new Attributes(annotation);
        return IdempotencyPolicy.builder()
                .name(attributes.string("name"))
                .key(attributes.string("key"))
                .ttl(Durations.parsePositive(attributes.string("ttl"), "@Idempotent(ttl)"))
                .lease(Durations.parsePositive(attributes.string("lease"), "@Idempotent(lease)"))
                .onInProgress(InProgress.valueOf(attributes.enumName("onInProgress")))
                .waitTimeout(orZero(Durations.parse(attributes.string("waitTimeout"), "@Idempotent(waitTimeout)")))
                .onFailure(OnFailure.valueOf(attributes.enumName("onFailure")))
                .rememberOn(attributes.types("rememberOn"))
                .fingerprint(attributes.bool("fingerprint"))
                .fingerprintParameters(List.of(attributes.strings("fingerprintParameters")))
                .failOpen(attributes.bool("failOpen"))
                .build();
    }

    /** The {@code @Retryable} of {@code method} as a policy, or {@code null} when it has none. */
    static RetryPolicy retry(Method method) {
        Annotation annotation = find(method, RETRYABLE);
        if (annotation == null) {
            return null;
        }
        Attributes attributes = new Attributes(annotation);
        List<Class<? extends Throwable>> includes = new ArrayList<>(attributes.types("value"));
        includes.addAll(attributes.types("includes"));
        List<Class<? extends Throwable>> excludes = attributes.types("excludes");
        RetryPolicy.Builder builder = RetryPolicy.builder()
                .maxAttempts(attributes.integer("maxAttempts"))
                .delay(orZero(Durations.parse(attributes.string("delay"), "@Retryable(delay)")))
                .multiplier(attributes.decimal("multiplier"))
                .maxDelay(orZero(Durations.parse(attributes.string("maxDelay"), "@Retryable(maxDelay)")))
                .jitter(Jitter.valueOf(attributes.enumName("jitter")))
                .maxDuration(Durations.parse(attributes.string("maxDuration"), "@Retryable(maxDuration)"))
                .includes(includes.toArray(Annotations.<Throwable>classes(includes.size())))
                .excludes(excludes.toArray(Annotations.<Throwable>classes(excludes.size())));
        if (attributes.bool("budget")) {
            builder.budget(attributes.decimal("budgetRatio"), attributes.integer("budgetMinPerSecond"));
        } else {
            builder.budget(false);
        }
        if (attributes.bool("defer")) {
            builder.defer(DeferPolicy.of(attributes.integer("deferMaxAttempts"),
                    Durations.parsePositive(attributes.string("deferDelay"), "@Retryable(deferDelay)"),
                    attributes.decimal("deferMultiplier"),
                    Durations.parsePositive(attributes.string("deferMaxDelay"), "@Retryable(deferMaxDelay)")));
        }
        return builder.build();
    }

    /** Whether {@code element} carries {@code @IdempotencyKey}. */
    static boolean isIdempotencyKey(AnnotatedElement element) {
        return find(element, IDEMPOTENCY_KEY) != null;
    }

    private static Annotation find(AnnotatedElement element, String typeName) {
        for (Annotation annotation : element.getDeclaredAnnotations()) {
            if (annotation.annotationType().getName().equals(typeName)) {
                return annotation;
            }
        }
        return null;
    }

    private static Duration orZero(Duration duration) {
        return duration == null ? Duration.ZERO : duration;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> Class<? extends T>[] classes(int length) {
        return (Class<? extends T>[]) new Class<?>[length];
    }

    /** Reads attributes of an annotation instance by name. */
    private static final class Attributes {
        private final Annotation annotation;

        Attributes(Annotation annotation) {
            this.annotation = annotation;
        }

        String string(String name) {
            return (String) value(name);
        }

        String[] strings(String name) {
            return (String[]) value(name);
        }

        boolean bool(String name) {
            return (Boolean) value(name);
        }

        int integer(String name) {
            return (Integer) value(name);
        }

        double decimal(String name) {
            return (Double) value(name);
        }

        String enumName(String name) {
            return ((Enum<?>) value(name)).name();
        }

        @SuppressWarnings("unchecked")
        List<Class<? extends Throwable>> types(String name) {
            List<Class<? extends Throwable>> types = new ArrayList<>();
            for (Class<?> type : (Class<?>[]) value(name)) {
                types.add((Class<? extends Throwable>) type);
            }
            return types;
        }

        private Object value(String name) {
            try {
                return annotation.annotationType().getMethod(name).invoke(annotation);
            } catch (InvocationTargetException e) {
                throw new IllegalArgumentException("@" + annotation.annotationType().getSimpleName() + "(" + name
                        + ") cannot be read: " + e.getCause(), e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalArgumentException("@" + annotation.annotationType().getSimpleName() + " has no "
                        + "attribute '" + name + "': it comes from an incompatible version of idem-annotations", e);
            }
        }
    }
}
