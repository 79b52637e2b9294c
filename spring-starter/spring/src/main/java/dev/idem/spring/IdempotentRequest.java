package dev.idem.spring;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Makes a Spring MVC handler honour the {@code Idempotency-Key} request header (IETF
 * draft-ietf-httpapi-idempotency-key-header): the first request with a key runs the handler and its
 * response (status, headers, body) is stored; a later request with the same key gets the stored response
 * again, marked with {@code Idempotent-Replayed: true}, without running the handler.
 *
 * <ul>
 *   <li>400 when the header is required and missing or empty;</li>
 *   <li>409 while the first request with the key is still running (with {@code Retry-After});</li>
 *   <li>422 when the key is reused with another request body;</li>
 *   <li>503 when the store cannot be reached: the handler does not run.</li>
 * </ul>
 *
 * <p>Errors are {@code application/problem+json} (RFC 9457). A response with a 5xx status is passed on but
 * not stored: the key is released so that the client's retry runs again. On a type, it applies to every
 * handler method of the controller. Do not combine it with {@code @Idempotent} on the same method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface IdempotentRequest {

    /** Whether a request without the header is refused with 400. Default {@code true}. */
    boolean required() default true;

    /**
     * The namespace of the keys. Empty (the default) means the handler method,
     * {@code com.example.OrderController#create}.
     */
    String name() default "";

    /** How long a response is kept and replayed. Default {@code "24h"}. */
    String ttl() default "24h";

    /** How long the first request holds its key without renewal (it is renewed while it runs). Default {@code "30s"}. */
    String lease() default "30s";

    /** Whether reusing a key with another request body is refused with 422. Default {@code true}. */
    boolean fingerprint() default true;

    /**
     * Whether keys are scoped to the authenticated user ({@code request.getUserPrincipal()}), so that two
     * users never share a key. Anonymous requests share one scope. Default {@code true}.
     */
    boolean perPrincipal() default true;
}
