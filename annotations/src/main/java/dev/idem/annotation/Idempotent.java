package dev.idem.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a method safe to call twice: the first call with a given key runs the body and stores its
 * result; every later call with the same key gets that result back without running the body.
 *
 * <p>The key is {@code name + ":" + key}. It is resolved, in this order, from {@link #key()}, from the
 * parameter annotated with {@link IdempotencyKey}, from a well-known identity field or header of an
 * argument ({@code Idempotency-Key}, {@code event_id}, {@code message_id}, {@code id}, ...), or from a
 * hash of all arguments. A key that resolves to {@code null} or an empty string is refused with
 * {@link IdempotencyKeyException}.
 *
 * <p>Durations are strings: {@code "500ms"}, {@code "30s"}, {@code "15m"}, {@code "24h"}, {@code "7d"},
 * or ISO-8601 ({@code "PT30S"}). A bad value fails when the method is registered, not when it is called.
 *
 * <p>What each caller sees in every situation is specified in {@code docs/semantics.md}.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Idempotent {

    /**
     * The key expression, evaluated against the arguments: {@code "#event.id"}, {@code "#p0"},
     * {@code "#order.customerId + ':' + #order.number"}, {@code "#headers['Idempotency-Key']"}.
     * Empty (the default) resolves the key automatically as the type documentation describes.
     */
    String key() default "";

    /**
     * The namespace of the keys. Empty (the default) means the method, {@code "ClassName#method"}.
     * Two methods that set the same name share their keys.
     */
    String name() default "";

    /** How long a result (or a remembered failure) is kept and replayed. Default {@code "24h"}. */
    String ttl() default "24h";

    /**
     * How long a claim stays valid without being renewed. A running call renews its lease while it
     * runs; after a crash another caller may take the key over once the lease has run out.
     * Default {@code "30s"}.
     */
    String lease() default "30s";

    /** What a caller does when another call with the same key is still running. Default: wait. */
    InProgress onInProgress() default InProgress.WAIT;

    /**
     * With {@link InProgress#WAIT}, how long a duplicate waits for the first call to finish before it
     * gets {@link IdempotencyInProgressException}. Default {@code "30s"}.
     */
    String waitTimeout() default "30s";

    /** What happens to the key when the method throws. Default: release it so the next call runs. */
    OnFailure onFailure() default OnFailure.RELEASE;

    /**
     * With {@link OnFailure#REMEMBER}, only failures of these types (or their subtypes) are remembered
     * and replayed; others release the key. Empty (the default) remembers every failure.
     */
    Class<? extends Throwable>[] rememberOn() default {};

    /**
     * Whether a call must carry the same arguments as the first call with its key. When on (the
     * default), reusing a key with other arguments throws {@link IdempotencyKeyMismatchException}.
     */
    boolean fingerprint() default true;

    /**
     * The names of the parameters that make up the fingerprint. Empty (the default) means all of them.
     * Leave out parameters that legitimately differ between deliveries (timestamps, signatures).
     */
    String[] fingerprintParameters() default {};

    /**
     * Whether the body may run without a claim when the store cannot be reached. Off by default: the
     * caller gets {@link IdempotencyStoreUnavailableException} and the body does not run. Turn it on
     * only where running twice is cheaper than not running at all.
     */
    boolean failOpen() default false;
}
