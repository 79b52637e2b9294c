package dev.idem;

import java.lang.reflect.Method;
import java.util.StringJoiner;

/** How methods are named in messages and in stored invocations. */
final class Methods {

    private Methods() {
    }

    /** {@code com.example.Payments#charge(PaymentEvent)}: for messages. */
    static String describe(Method method) {
        StringJoiner parameters = new StringJoiner(", ", "(", ")");
        for (Class<?> type : method.getParameterTypes()) {
            parameters.add(type.getSimpleName());
        }
        return method.getDeclaringClass().getName() + "#" + method.getName() + parameters;
    }

    /** {@code com.example.Payments#charge(com.example.PaymentEvent)}: unique, for stored invocations. */
    static String identity(Method method) {
        StringJoiner parameters = new StringJoiner(",", "(", ")");
        for (Class<?> type : method.getParameterTypes()) {
            parameters.add(type.getName());
        }
        return method.getDeclaringClass().getName() + "#" + method.getName() + parameters;
    }

    /** {@code Payments#charge}: the default namespace. */
    static String namespace(Method method) {
        return method.getDeclaringClass().getName() + "#" + method.getName();
    }
}
