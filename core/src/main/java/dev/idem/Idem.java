package dev.idem;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import dev.idem.annotation.TypeRef;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.Keys;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The Idem engine: a store, a codec, a clock and this node's identity, and the registry of idempotent
 * and retryable methods. Weavers register each method once with {@link #method(Method)} and drive its
 * calls through {@link IdempotentMethod}; code without weaving uses {@link #operation} and
 * {@link #retryExecutor}. One maintenance thread renews the leases of running calls and purges
 * expired records.
 *
 * <pre>{@code
 * Idem idem = Idem.builder().store(new InMemoryStore()).build();
 * }</pre>
 *
 * <p>Thread-safe. Close it to stop the maintenance thread; the store is closed by whoever created it.
 */
public final class Idem implements AutoCloseable {

    private static final System.Logger LOG = IdemLogging.logger(Idem.class.getName());
    private static final Duration RENEWAL_TICK = Duration.ofMillis(100);
    private static final int PURGE_BATCH = 1000;
    private static final int PURGE_BATCHES_PER_RUN = 100;

    private final IdempotencyStore store;
    private final Codec codec;
    private final Clock clock;
    private final Sleeper sleeper;
    private final String node;
    private final KeyExpressionParser expressions;
    private final boolean renewLeases;
    private final LeaseKeeper leaseKeeper;
    private final ScheduledExecutorService maintenance;
    private final ConcurrentHashMap<Method, IdempotentMethod> methods = new ConcurrentHashMap<>();
    private final Audit audit;
    private final List<TransitionListener> listeners;

    private Idem(Builder builder) {
        this.store = Objects.requireNonNull(builder.store, "a store is required: Idem.builder().store(...)");
        this.codec = builder.codec != null ? builder.codec : JsonCodec.create();
        this.clock = builder.clock;
        this.sleeper = builder.sleeper;
        this.node = builder.node != null ? builder.node : defaultNode();
        this.expressions = builder.expressions;
        this.renewLeases = builder.renewLeases;
        this.leaseKeeper = new LeaseKeeper(store);
        this.listeners = List.copyOf(builder.listeners);
        this.audit = new Audit(store, node, this);
        boolean purges = !builder.purgeInterval.isZero();
        if (renewLeases || purges) {
            ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
                Thread thread = new Thread(runnable, "idem-maintenance");
                thread.setDaemon(true);
                return thread;
            });
            executor.setRemoveOnCancelPolicy(true);
            if (renewLeases) {
                executor.scheduleWithFixedDelay(this::renewLeases, RENEWAL_TICK.toMillis(), RENEWAL_TICK.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
            if (purges) {
                long every = builder.purgeInterval.toMillis();
                executor.scheduleWithFixedDelay(this::purge, every, every, TimeUnit.MILLISECONDS);
            }
            this.maintenance = executor;
        } else {
            this.maintenance = null;
        }
    }

    /** A builder; only the store is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The node id used when none is set: {@code pid@host}, at most 100 characters. The host is the
     * {@code HOSTNAME} or {@code COMPUTERNAME} variable, else the kernel's host name on Linux, read without a
     * name-service lookup (which can take seconds where the host's own name does not resolve), else a lookup
     * of the local host name.
     */
    public static String defaultNode() {
        String node = ProcessHandle.current().pid() + "@" + hostName();
        return node.length() > 100 ? node.substring(0, 100) : node;
    }

    private static String hostName() {
        for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String host = System.getenv(variable);
            if (host != null && !host.isBlank()) {
                return host.strip();
            }
        }
        try {
            String kernel = Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.UTF_8).strip();
            if (!kernel.isEmpty()) {
                return kernel;
            }
        } catch (IOException | RuntimeException notLinux) {
            // no such file outside Linux: the lookup below answers
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /**
     * The registered form of {@code method}, from its {@link Idempotent} and {@link Retryable}
     * annotations; registered once, then cached.
     *
     * @throws IdempotencyConfigurationException when the method has neither annotation or one of them
     *     is invalid; the message names the method, the attribute and what to change
     */
    public IdempotentMethod method(Method method) {
        IdempotentMethod registered = methods.get(method);
        if (registered != null) {
            return registered;
        }
        IdempotencyPolicy idempotency = configured(method, () -> Annotations.idempotency(method));
        RetryPolicy retry = configured(method, () -> Annotations.retry(method));
        if (idempotency == null && retry == null) {
            throw new IdempotencyConfigurationException(Methods.describe(method)
                    + " has neither @Idempotent nor @Retryable", null);
        }
        return method(method, idempotency, retry);
    }

    /**
     * Registers {@code method} with explicit policies (for methods made idempotent by configuration),
     * unless it is registered already; then returns the registered form.
     *
     * @param idempotency the idempotency policy, or {@code null} for retries only
     * @param retry the retry policy, or {@code null} for no retries
     * @throws IdempotencyConfigurationException when the policies do not fit the method
     */
    public IdempotentMethod method(Method method, IdempotencyPolicy idempotency, RetryPolicy retry) {
        return methods.computeIfAbsent(method, m -> register(m, idempotency, retry));
    }

    /**
     * An operation for code without weaving: {@code operation.execute(key, payload, () -> work())}.
     * Create it once and share it: its retry budget is shared by its callers.
     *
     * @param idempotency the policy; its {@code name} is required, {@code key} and
     *     {@code fingerprintParameters} do not apply
     * @param retry the retry policy, or {@code null} for no retries; it must not defer (a lambda cannot
     *     be re-invoked by a worker)
     * @param resultType the type results are stored and replayed as
     */
    public <T> IdempotentOperation<T> operation(IdempotencyPolicy idempotency, RetryPolicy retry, Class<T> resultType) {
        return operation(idempotency, retry, (Type) resultType);
    }

    /** As {@link #operation(IdempotencyPolicy, RetryPolicy, Class)}, for a generic result type. */
    public <T> IdempotentOperation<T> operation(IdempotencyPolicy idempotency, RetryPolicy retry, TypeRef<T> resultType) {
        return operation(idempotency, retry, resultType.type());
    }

    private <T> IdempotentOperation<T> operation(IdempotencyPolicy idempotency, RetryPolicy retry, Type resultType) {
        Objects.requireNonNull(idempotency, "idempotency");
        String name = idempotency.name();
        if (name == null) {
            throw new IdempotencyConfigurationException("an operation needs a namespace: IdempotencyPolicy.named(...)", null);
        }
        if (!idempotency.key().isEmpty() || !idempotency.fingerprintParameters().isEmpty()) {
            throw new IdempotencyConfigurationException("operation '" + name + "': key and fingerprintParameters apply to "
                    + "methods only; pass the key and the payload to execute()", null);
        }
        if (retry != null && retry.defer() != null) {
            throw new IdempotencyConfigurationException("operation '" + name + "': an operation cannot be deferred, "
                    + "because a worker cannot re-invoke a lambda; defer an annotated or registered method instead", null);
        }
        validateResultType("operation '" + name + "'", resultType);
        ClassLoader loader = idempotency.rememberOn().isEmpty() ? Idem.class.getClassLoader()
                : idempotency.rememberOn().get(0).getClassLoader();
        Guard guard = new Guard(this, "operation '" + name + "'", idempotency, name, resultType,
                retry == null ? null : retryExecutor(retry), new FailureReplay(new ArrayList<>(idempotency.rememberOn()),
                loader), null);
        return new IdempotentOperation<>(guard);
    }

    /** A retry executor on this engine's clock and sleeper; share it, its budget is per executor. */
    public RetryExecutor retryExecutor(RetryPolicy policy) {
        return RetryExecutor.builder(policy).clock(clock).sleeper(sleeper).build();
    }

    /** Operators' reads and actions: find, history, list, requeue, cancel, purge. */
    public Audit audit() {
        return audit;
    }

    /** The store. */
    public IdempotencyStore store() {
        return store;
    }

    /** The codec. */
    public Codec codec() {
        return codec;
    }

    /**
     * Builds now the JSON machinery that values other than strings, whole numbers and booleans need (the
     * codec's and the fingerprints' Jackson mappers), which otherwise the first call with such a value
     * builds, in a cold JVM for hundreds of milliseconds. The agent calls it in the background as soon as
     * it weaves a method that takes or returns such values.
     */
    public void prepareJson() {
        Fingerprints.prepare();
        codec.prepare();
    }

    /** This node's id, recorded as owner and in the audit. */
    public String node() {
        return node;
    }

    /** Stops the maintenance thread. Running calls are not interrupted; their leases stop being renewed. */
    @Override
    public void close() {
        if (maintenance != null) {
            maintenance.shutdownNow();
        }
    }

    @Override
    public String toString() {
        return "Idem[store=" + store + ", node=" + node + ", methods=" + methods.size() + "]";
    }

    Clock clock() {
        return clock;
    }

    Sleeper sleeper() {
        return sleeper;
    }

    LeaseKeeper leaseKeeper() {
        return leaseKeeper;
    }

    boolean renewsLeases() {
        return renewLeases;
    }

    /** Tells the listeners about a transition the store accepted; a listener's failure is only logged. */
    void transitioned(String key, dev.idem.store.AuditEvent event, dev.idem.store.RecordState state, int attempt,
            long token, Duration elapsed, dev.idem.store.ErrorInfo error, String fingerprint, String detail) {
        if (listeners.isEmpty()) {
            return;
        }
        Transition transition = new Transition(key, event, state, attempt, token, node, clock.instant(), elapsed, error,
                fingerprint, detail);
        for (TransitionListener listener : listeners) {
            try {
                listener.onTransition(transition);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a transition listener failed on key '" + key + "'", e);
            }
        }
    }

    private IdempotentMethod register(Method method, IdempotencyPolicy idempotency, RetryPolicy retry) {
        String name = Methods.describe(method);
        if (idempotency == null && retry == null) {
            throw new IdempotencyConfigurationException(name + ": neither an idempotency nor a retry policy", null);
        }
        Class<?> returnType = method.getReturnType();
        if (CompletionStage.class.isAssignableFrom(returnType) || Future.class.isAssignableFrom(returnType)
                || returnType.getName().equals("org.reactivestreams.Publisher")
                || java.util.concurrent.Flow.Publisher.class.isAssignableFrom(returnType)) {
            throw new IdempotencyConfigurationException(name + " returns " + returnType.getName() + "; Idem runs methods "
                    + "on the caller's thread and does not support asynchronous results yet: return the value itself", null);
        }
        MethodKeys keys = null;
        String namespace = null;
        if (idempotency != null) {
            validateResultType(name, method.getGenericReturnType());
            namespace = idempotency.name() != null ? idempotency.name() : Methods.namespace(method);
            try {
                Keys.requireNamespace(namespace);
            } catch (IllegalArgumentException e) {
                throw new IdempotencyConfigurationException(name + ": " + e.getMessage()
                        + "; set a shorter one with @Idempotent(name = ...)", e);
            }
            keys = MethodKeys.of(method, idempotency, expressions);
        } else if (retry.defer() != null) {
            namespace = Methods.namespace(method);
        }
        IdempotencyPolicy jobs = idempotency != null || retry == null || retry.defer() == null ? idempotency
                : IdempotencyPolicy.builder().name(namespace).build();
        if (retry != null && retry.defer() != null) {
            validateArguments(name, method);
        }
        List<Class<?>> trusted = new ArrayList<>();
        if (idempotency != null && !idempotency.rememberOn().isEmpty()) {
            trusted.addAll(idempotency.rememberOn());
        } else {
            for (Class<?> declared : method.getExceptionTypes()) {
                if (declared != Exception.class && declared != Throwable.class && declared != RuntimeException.class) {
                    trusted.add(declared);
                }
            }
        }
        Guard guard = new Guard(this, name, jobs, namespace, method.getGenericReturnType(),
                retry == null ? null : retryExecutor(retry),
                new FailureReplay(trusted, method.getDeclaringClass().getClassLoader()), method);
        LOG.log(Level.DEBUG, "registered {0}: {1}, {2}", name, idempotency, retry);
        return new IdempotentMethod(method, keys, guard);
    }

    private void validateResultType(String name, Type type) {
        try {
            codec.validate(type);
        } catch (IllegalArgumentException e) {
            throw new IdempotencyConfigurationException(name + ": its result cannot be replayed: " + e.getMessage(), e);
        }
    }

    private void validateArguments(String name, Method method) {
        for (Type type : method.getGenericParameterTypes()) {
            try {
                codec.validate(type);
            } catch (IllegalArgumentException e) {
                throw new IdempotencyConfigurationException(name + ": it defers, but its argument of type "
                        + type.getTypeName() + " cannot be stored for a worker: " + e.getMessage(), e);
            }
        }
    }

    private static <T> T configured(Method method, java.util.function.Supplier<T> reader) {
        try {
            return reader.get();
        } catch (IllegalArgumentException e) {
            throw new IdempotencyConfigurationException(Methods.describe(method) + ": " + e.getMessage(), e);
        }
    }

    private void renewLeases() {
        try {
            leaseKeeper.renewDue();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "lease renewal failed", e);
        }
    }

    private void purge() {
        try {
            for (int i = 0; i < PURGE_BATCHES_PER_RUN && store.purgeExpired(PURGE_BATCH) == PURGE_BATCH; i++) {
                Thread.onSpinWait();
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "purging expired records failed; trying again later", e);
        }
    }

    /** Builds an {@link Idem}; not thread-safe. */
    public static final class Builder {
        private IdempotencyStore store;
        private Codec codec;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.system();
        private String node;
        private KeyExpressionParser expressions = KeyExpressionParser.simple();
        private boolean renewLeases = true;
        private Duration purgeInterval = Duration.ofMinutes(1);
        private final List<TransitionListener> listeners = new ArrayList<>();

        private Builder() {
        }

        /** Adds a listener told about every transition (the Kafka processing log is one). */
        public Builder listener(TransitionListener listener) {
            listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Where records live. Required. */
        public Builder store(IdempotencyStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** How results, steps and deferred arguments are encoded. Default: {@link JsonCodec#create()}. */
        public Builder codec(Codec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /** The clock for waits and retry durations (the store keeps its own). Default: system UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** What waits between retries and polls. Default: {@link Sleeper#system()}. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** This node's id in records and the audit. Default: {@code pid@hostname}. */
        public Builder node(String node) {
            if (node == null || node.isBlank() || node.length() > 100) {
                throw new IllegalArgumentException("node must have 1 to 100 characters: '" + node + "'");
            }
            this.node = node;
            return this;
        }

        /** The key expression language. Default: {@link KeyExpressionParser#simple()}. */
        public Builder expressions(KeyExpressionParser expressions) {
            this.expressions = Objects.requireNonNull(expressions, "expressions");
            return this;
        }

        /** Whether running calls renew their leases (a third of the lease apart). Default on. */
        public Builder renewLeases(boolean renewLeases) {
            this.renewLeases = renewLeases;
            return this;
        }

        /** How often expired records are purged; zero turns purging off. Default 1 minute. */
        public Builder purgeInterval(Duration purgeInterval) {
            Durations.requireNotNegative(purgeInterval, "purgeInterval");
            this.purgeInterval = purgeInterval;
            return this;
        }

        /** The engine. */
        public Idem build() {
            return new Idem(this);
        }
    }
}
