package dev.idem.spring;

import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.StringJoiner;
import org.springframework.core.annotation.MergedAnnotations;

/** What the Spring integration asks of a method's annotations, and how it names methods in messages. */
final class IdemAnnotations {

    /** Spring Framework 7's own {@code @Retryable}, read by name so that Spring 6.2 works too. */
    static final String SPRING_RETRYABLE = "org.springframework.resilience.annotation.Retryable";

    private IdemAnnotations() {
    }

    /** Whether {@code method} itself declares Idem's {@code @Idempotent} or {@code @Retryable}. */
    static boolean guarded(Method method) {
        return method.isAnnotationPresent(Idempotent.class) || method.isAnnotationPresent(Retryable.class);
    }

    /** Whether Spring's {@code @Retryable} applies to {@code method}: on it, or on its class. */
    static boolean springRetryable(Method method, Class<?> targetClass) {
        return MergedAnnotations.from(method).isPresent(SPRING_RETRYABLE)
                || MergedAnnotations.from(targetClass, MergedAnnotations.SearchStrategy.TYPE_HIERARCHY)
                        .isPresent(SPRING_RETRYABLE);
    }

    /** Why a proxy cannot intercept {@code method}, or {@code null} when it can. */
    static String notProxiable(Method method) {
        int modifiers = method.getModifiers();
        if (Modifier.isStatic(modifiers)) {
            return "static";
        }
        if (Modifier.isPrivate(modifiers)) {
            return "private";
        }
        if (Modifier.isFinal(modifiers) || Modifier.isFinal(method.getDeclaringClass().getModifiers())) {
            return "final";
        }
        return null;
    }

    /** {@code com.example.Payments#charge(PaymentEvent)}, as the engine names methods. */
    static String describe(Method method) {
        StringJoiner parameters = new StringJoiner(", ", "(", ")");
        for (Class<?> type : method.getParameterTypes()) {
            parameters.add(type.getSimpleName());
        }
        return method.getDeclaringClass().getName() + "#" + method.getName() + parameters;
    }
}
