package dev.idem;

/**
 * A parsed key expression, bound to one method. Implementations are immutable and thread-safe.
 */
public interface KeyExpression {

    /**
     * Evaluates the expression for one call.
     *
     * @param target the object the method is called on, or {@code null} for a static method
     * @param args the call's arguments
     * @return the value, or {@code null} when a null-safe step ({@code ?.}) met {@code null}
     * @throws dev.idem.annotation.IdempotencyKeyException when a property cannot be read or a step that is
     *     not null-safe meets {@code null}; the message names the method, the expression and the step
     */
    Object evaluate(Object target, Object[] args);

    /** The expression as written. */
    String source();
}
