package dev.idem;

import java.lang.reflect.Method;

/**
 * Parses key expressions for a method. The Spring Boot starter may plug in full SpEL behind this
 * interface. Implementations are thread-safe.
 */
public interface KeyExpressionParser {

    /**
     * Parses and validates {@code expression} for {@code method}.
     *
     * @throws dev.idem.annotation.IdempotencyConfigurationException when the expression is invalid; the
     *     message names the method (as {@code com.example.Payments#charge(PaymentEvent)}) and the
     *     expression, and says what is wrong and what to do
     */
    KeyExpression parse(String expression, Method method);

    /**
     * The built-in SpEL-compatible subset: {@code #p0}, {@code #a0} and {@code #name} arguments,
     * property paths ({@code .} and null-safe {@code ?.}), {@code [index]} and {@code ['key']} access,
     * string and integer literals, and string concatenation with {@code +}.
     */
    static KeyExpressionParser simple() {
        return SimpleExpressionParser.INSTANCE;
    }
}
