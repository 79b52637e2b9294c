package dev.idem.annotation;

/**
 * A piece of work that returns a value and may throw a checked exception of type {@code E}; used for
 * method bodies, operations and saved steps so that lambdas throw what the work throws, unwrapped.
 *
 * @param <T> the value's type
 * @param <E> the checked exception it may throw ({@code RuntimeException} when none)
 */
@FunctionalInterface
public interface ThrowingSupplier<T, E extends Exception> {
    /** Does the work. */
    T get() throws E;
}
