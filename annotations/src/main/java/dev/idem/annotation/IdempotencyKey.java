package dev.idem.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter whose value is the idempotency key of an {@link Idempotent} method that sets no
 * {@link Idempotent#key() key} expression. The parameter must be a string, a number, a {@code UUID}, an
 * enum or another {@code CharSequence}; anything else is refused when the method is registered.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface IdempotencyKey {
}
