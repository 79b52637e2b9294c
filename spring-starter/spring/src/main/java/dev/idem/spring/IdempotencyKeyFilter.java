package dev.idem.spring;

import dev.idem.Durations;
import dev.idem.Idem;
import dev.idem.IdempotencyPolicy;
import dev.idem.IdempotentOperation;
import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyException;
import dev.idem.annotation.IdempotencyInProgressException;
import dev.idem.annotation.IdempotencyKeyException;
import dev.idem.annotation.IdempotencyKeyMismatchException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.InProgress;
import dev.idem.spring.IdemObserver.Outcome;
import dev.idem.spring.IdemObserver.Source;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ContentCachingResponseWrapper;

/**
 * {@code Idempotency-Key} request header support for Spring MVC handlers annotated with
 * {@link IdempotentRequest}, following the IETF draft: the first request with a key runs the handler and
 * stores its response; a later request with the same key gets the stored status, headers and body, marked
 * with {@code Idempotent-Replayed: true}, and the handler does not run. A missing key gives 400 (when
 * required), a key whose first request is still running 409, a key reused with another body 422, and a
 * store that cannot be reached 503; all as {@code application/problem+json}.
 *
 * <p>A key is scoped to its handler (the namespace), to the request target (path and query) and, unless
 * {@link IdempotentRequest#perPrincipal()} is off, to the authenticated principal. The fingerprint is the
 * request body, compared as canonical JSON when it is JSON. Responses with a 5xx status are not stored:
 * their key is released. Only unsafe methods (not GET, HEAD, OPTIONS, TRACE) are considered, and requests
 * to handlers without the annotation pass through untouched.
 *
 * <p>The annotated handlers are found and checked once all singletons exist (a bad attribute or an
 * asynchronous handler stops the application then). Place this filter after authentication. Thread-safe.
 */
public final class IdempotencyKeyFilter extends OncePerRequestFilter implements SmartInitializingSingleton, Ordered {

    /** The request header that carries the key. */
    public static final String DEFAULT_HEADER = "Idempotency-Key";
    /** The response header that marks a replayed response. */
    public static final String DEFAULT_REPLAYED_HEADER = "Idempotent-Replayed";
    /** The default limit on a request body that is buffered for the fingerprint: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** The default filter order: after Spring Security's filter chain (-100), so the principal is known. */
    public static final int DEFAULT_ORDER = 0;

    private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");
    private static final int MAX_KEY_LENGTH = 255;
    private static final List<String> ASYNC_TYPES = List.of(
            "org.springframework.web.context.request.async.DeferredResult",
            "org.springframework.web.context.request.async.WebAsyncTask",
            "org.springframework.web.servlet.mvc.method.annotation.ResponseBodyEmitter",
            "org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody",
            "org.reactivestreams.Publisher");

    private final Idem idem;
    private final Supplier<List<RequestMappingHandlerMapping>> mappings;
    private final Supplier<IdemObserver> observer;
    private String header = DEFAULT_HEADER;
    private String replayedHeader = DEFAULT_REPLAYED_HEADER;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private int order = DEFAULT_ORDER;
    private volatile Endpoints endpoints;

    private record Endpoint(String name, IdempotentOperation<StoredResponse> operation, IdempotentRequest settings) {
    }

    private record Endpoints(HandlerLookup lookup, Map<Method, Endpoint> byMethod) {
    }

    /**
     * A filter for the handlers of {@code mappings}.
     *
     * @param idem the engine that stores the responses
     * @param mappings the handler mappings to search for annotated handlers, asked for once
     * @param observer what hears about each request, asked for at each request
     */
    public IdempotencyKeyFilter(Idem idem, Supplier<List<RequestMappingHandlerMapping>> mappings,
            Supplier<IdemObserver> observer) {
        this.idem = Objects.requireNonNull(idem, "idem");
        this.mappings = Objects.requireNonNull(mappings, "mappings");
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** The request header that carries the key. Default {@value #DEFAULT_HEADER}. */
    public void setHeader(String header) {
        this.header = requireToken(header, "header");
    }

    /** The response header that marks a replay. Default {@value #DEFAULT_REPLAYED_HEADER}. */
    public void setReplayedHeader(String replayedHeader) {
        this.replayedHeader = requireToken(replayedHeader, "replayedHeader");
    }

    /** The largest request body buffered for the fingerprint; larger ones get 413. Default 1 MiB. */
    public void setMaxBodyBytes(int maxBodyBytes) {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("maxBodyBytes must be positive: " + maxBodyBytes);
        }
        this.maxBodyBytes = maxBodyBytes;
    }

    /** The position of this filter among the servlet filters. Default {@value #DEFAULT_ORDER}. */
    public void setOrder(int order) {
        this.order = order;
    }

    @Override
    public int getOrder() {
        return order;
    }

    /** Finds and checks the annotated handlers. */
    @Override
    public void afterSingletonsInstantiated() {
        endpoints();
    }

    /** The namespaces of the annotated handlers, by handler method; for operators and tests. */
    public Map<Method, String> endpointNames() {
        Map<Method, String> names = new HashMap<>();
        endpoints().byMethod.forEach((method, endpoint) -> names.put(method, endpoint.name));
        return names;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Endpoints known = endpoints();
        Endpoint endpoint = null;
        if (!known.byMethod.isEmpty() && !SAFE_METHODS.contains(request.getMethod())) {
            HandlerMethod handler = known.lookup.find(request);
            endpoint = handler == null ? null : known.byMethod.get(handler.getMethod());
        }
        if (endpoint == null) {
            chain.doFilter(request, response);
            return;
        }
        String raw = request.getHeader(header);
        if (raw == null || raw.isBlank()) {
            if (!endpoint.settings.required()) {
                chain.doFilter(request, response);
                return;
            }
            observer.get().onCall(endpoint.name, Source.HTTP, Outcome.KEY_MISSING);
            Problems.write(response, 400, header + " header missing", "this request must carry an " + header
                    + " header with a unique key, such as a UUID, so that it can be retried safely", request.getRequestURI());
            return;
        }
        String key = parseKey(raw);
        if (key == null) {
            observer.get().onCall(endpoint.name, Source.HTTP, Outcome.KEY_MISSING);
            Problems.write(response, 400, "Invalid " + header + " header", "the " + header + " header must be a string "
                    + "of 1 to " + MAX_KEY_LENGTH + " printable characters, optionally in double quotes",
                    request.getRequestURI());
            return;
        }
        BufferedRequest buffered;
        try {
            buffered = BufferedRequest.of(request, maxBodyBytes);
        } catch (BufferedRequest.BodyTooLargeException e) {
            Problems.write(response, 413, "Request body too large", "a request with an " + header + " header may have at "
                    + "most " + maxBodyBytes + " bytes of body", request.getRequestURI());
            return;
        }
        run(endpoint, scope(endpoint, request, key), buffered, response, chain);
    }

    private void run(Endpoint endpoint, String key, BufferedRequest request, HttpServletResponse response,
            FilterChain chain) throws ServletException, IOException {
        ContentCachingResponseWrapper capture = new ContentCachingResponseWrapper(response);
        boolean[] ran = {false};
        IdemObserver observer = this.observer.get();
        StoredResponse stored;
        try {
            stored = endpoint.operation.execute(key, request.body(), () -> {
                ran[0] = true;
                chain.doFilter(request, capture);
                StoredResponse produced = StoredResponse.of(capture);
                if (produced.status() >= 500) {
                    throw new NotStored();
                }
                return produced;
            });
        } catch (NotStored e) {
            observer.onCall(endpoint.name, Source.HTTP, Outcome.FAILED);
            capture.copyBodyToResponse();
            return;
        } catch (IdempotencyException e) {
            observer.onCall(endpoint.name, Source.HTTP, Outcomes.of(e, ran[0]));
            if (ran[0]) {
                capture.copyBodyToResponse();
            } else {
                refuse(e, request, response);
            }
            return;
        } catch (IOException | ServletException | RuntimeException e) {
            observer.onCall(endpoint.name, Source.HTTP, Outcome.FAILED);
            throw e;
        } catch (Exception e) {
            throw new ServletException(e);
        }
        if (ran[0]) {
            observer.onCall(endpoint.name, Source.HTTP, Outcome.EXECUTED);
            capture.copyBodyToResponse();
        } else {
            observer.onCall(endpoint.name, Source.HTTP, Outcome.REPLAYED);
            stored.replay(response, replayedHeader);
        }
    }

    private void refuse(IdempotencyException e, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        String path = request.getRequestURI();
        if (e instanceof IdempotencyInProgressException running) {
            Instant until = running.leaseUntil();
            if (until != null) {
                long seconds = Math.max(1, Duration.between(Instant.now(), until).toSeconds() + 1);
                response.setHeader("Retry-After", Long.toString(seconds));
            }
            Problems.write(response, 409, "Request in progress", "a request with this " + header + " is still being "
                    + "processed; retry later to get its response", path);
        } else if (e instanceof IdempotencyKeyMismatchException) {
            Problems.write(response, 422, header + " reused", "this " + header + " was already used with another "
                    + "request body; use a new key for a new request", path);
        } else if (e instanceof IdempotencyStoreUnavailableException) {
            Problems.write(response, 503, "Idempotency store unavailable", "the request was not processed because its "
                    + header + " cannot be checked now; retry later with the same key", path);
        } else if (e instanceof IdempotencyKeyException) {
            Problems.write(response, 400, "Invalid " + header + " header", e.getMessage(), path);
        } else {
            Problems.write(response, 500, "Stored response unavailable", "the response of the first request with this "
                    + header + " cannot be replayed: " + e.getClass().getSimpleName(), path);
        }
    }

    /** The key of an {@code Idempotency-Key} value (an RFC 8941 string, quoted or not), or null if invalid. */
    static String parseKey(String raw) {
        String value = raw.trim();
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
            value = value.substring(1, value.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if (value.isEmpty() || value.length() > MAX_KEY_LENGTH) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
        }
        return value;
    }

    /**
     * The stored key: the principal (URL-encoded, or {@code ~} when anonymous or not scoped), the request
     * target and the client's key, separated by spaces, which neither of the first two can contain.
     */
    private static String scope(Endpoint endpoint, HttpServletRequest request, String key) {
        Principal principal = endpoint.settings.perPrincipal() ? request.getUserPrincipal() : null;
        String who = principal == null ? "~" : URLEncoder.encode(principal.getName(), StandardCharsets.UTF_8);
        String target = request.getQueryString() == null ? request.getRequestURI()
                : request.getRequestURI() + "?" + request.getQueryString();
        return who + " " + target + " " + key;
    }

    private Endpoints endpoints() {
        Endpoints current = endpoints;
        if (current == null) {
            synchronized (this) {
                current = endpoints;
                if (current == null) {
                    current = discover();
                    endpoints = current;
                }
            }
        }
        return current;
    }

    private Endpoints discover() {
        List<RequestMappingHandlerMapping> found = mappings.get();
        Map<Method, Endpoint> byMethod = new HashMap<>();
        for (RequestMappingHandlerMapping mapping : found) {
            for (HandlerMethod handler : mapping.getHandlerMethods().values()) {
                Method method = handler.getMethod();
                IdempotentRequest settings = AnnotatedElementUtils.findMergedAnnotation(method, IdempotentRequest.class);
                if (settings == null) {
                    settings = AnnotatedElementUtils.findMergedAnnotation(handler.getBeanType(), IdempotentRequest.class);
                }
                if (settings != null && !byMethod.containsKey(method)) {
                    byMethod.put(method, endpoint(method, settings));
                }
            }
        }
        return new Endpoints(new HandlerLookup(found), Map.copyOf(byMethod));
    }

    private Endpoint endpoint(Method method, IdempotentRequest settings) {
        String described = IdemAnnotations.describe(method);
        if (method.isAnnotationPresent(Idempotent.class)) {
            throw new IdempotencyConfigurationException(described + " carries both @Idempotent and @IdempotentRequest; "
                    + "keep @IdempotentRequest on a controller method (it replays the whole HTTP response)", null);
        }
        Class<?> returned = method.getReturnType();
        if (Callable.class.isAssignableFrom(returned) || CompletionStage.class.isAssignableFrom(returned)
                || Future.class.isAssignableFrom(returned) || assignableToAny(returned, ASYNC_TYPES)) {
            throw new IdempotencyConfigurationException(described + " returns " + returned.getName() + ": an asynchronous "
                    + "response cannot be stored for replay by @IdempotentRequest; return the response itself", null);
        }
        String name = settings.name().isEmpty() ? method.getDeclaringClass().getName() + "#" + method.getName()
                : settings.name();
        try {
            IdempotencyPolicy policy = IdempotencyPolicy.named(name)
                    .ttl(Durations.parsePositive(settings.ttl(), "@IdempotentRequest(ttl)"))
                    .lease(Durations.parsePositive(settings.lease(), "@IdempotentRequest(lease)"))
                    .onInProgress(InProgress.REJECT)
                    .fingerprint(settings.fingerprint())
                    .build();
            return new Endpoint(name, idem.operation(policy, null, StoredResponse.class), settings);
        } catch (IllegalArgumentException e) {
            throw new IdempotencyConfigurationException(described + ": @IdempotentRequest is invalid: " + e.getMessage(), e);
        }
    }

    private static boolean assignableToAny(Class<?> type, List<String> names) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (names.contains(c.getName())) {
                return true;
            }
        }
        for (Class<?> implemented : type.getInterfaces()) {
            if (names.contains(implemented.getName())) {
                return true;
            }
        }
        return false;
    }

    private static String requireToken(String name, String what) {
        if (name == null || !name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+")) {
            throw new IllegalArgumentException(what + " must be an HTTP header name: '" + name + "'");
        }
        return name;
    }

    /** The handler produced a 5xx response: passed on, not stored, the key released. */
    private static final class NotStored extends RuntimeException {
        NotStored() {
            super("a 5xx response is not stored", null, false, false);
        }
    }
}
