package dev.idem.annotation;

/**
 * A piece of work that returns nothing and may throw a checked exception of type {@code E}.
 *
 * @param <E> the checked exception it may throw ({@code RuntimeException} when none)
 */
@FunctionalInterface
public interface ThrowingRunnable<E extends Exception> {
    /** Does the work. */
    void run() throws E;
}
