package dev.idem.agent.engine;

import dev.idem.DeferredWorker;
import dev.idem.Idem;
import dev.idem.IdemLogging;
import dev.idem.IdempotencyPolicy;
import dev.idem.IdempotentMethod;
import dev.idem.MethodCall;
import dev.idem.RetryPolicy;
import dev.idem.agent.bootstrap.Dispatcher;
import dev.idem.kafka.KafkaProcessingLog;
import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyException;
import dev.idem.annotation.IdempotencyStoreException;
import dev.idem.store.IdempotencyStore;
import java.lang.System.Logger.Level;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The agent's engine, created in the isolated class loader: builds the store and the {@link Idem}
 * engine from the settings, and serves woven code through the {@link Dispatcher} interface. Methods are
 * registered on their first call, from their annotations or from a configured pointcut (which wins).
 * Faults of the engine itself never reach callers as anything but a documented Idem exception: an
 * idempotent call that cannot be guarded does not run. Thread-safe.
 */
public final class AgentEngine implements Dispatcher {

    /**
     * The Kafka client logs its whole configuration at INFO; inside someone else's application only its
     * warnings belong in the log (unless the application configured that logger itself). Held here
     * because java.util.logging forgets the level of a logger nobody references; set once the application
     * has set up its logging: when the held log records are released ({@link #releaseLogs()}), or when the
     * engine starts if nothing is held (an attach).
     */
    private java.util.logging.Logger kafkaLog;
    /** Whether log records are held back ({@link #holdLogs()}); the first woven call then releases them. */
    private volatile boolean logsHeld;
    private final AtomicBoolean releaseStarted = new AtomicBoolean();

    private final Settings settings;
    private final Map<String, Class<?>> seenClasses = new ConcurrentHashMap<>();
    private final Map<Class<?>, WeakReference<Object>> seenTargets = new ConcurrentHashMap<>();
    private IdempotencyStore store;
    private Idem idem;
    private DeferredWorker worker;
    private KafkaProcessingLog processingLog;
    private final ClassValue<Map<String, Registration>> registrations = new ClassValue<>() {
        @Override
        protected Map<String, Registration> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private AgentEngine(Settings settings) {
        this.settings = settings;
    }

    /**
     * Validates the settings of each source, cheaply, so that a bad one stops the JVM at once; called
     * reflectively by the agent on the main thread. {@link #start()} does the expensive part.
     *
     * @throws IllegalArgumentException naming the setting that is wrong and how
     */
    public static AgentEngine configure(Map<String, String> agentArguments, Map<String, String> file,
            Map<String, String> environment, Map<String, String> systemProperties) {
        return new AgentEngine(Settings.resolve(agentArguments, file, environment, systemProperties));
    }

    /**
     * Opens the store, builds the engine and warms up the call path ({@link WarmUp}); called by the agent
     * on its own thread before it installs this dispatcher, so the application's startup does not wait
     * for it.
     */
    public void start() {
        store = Stores.open(settings);
        Idem.Builder builder = Idem.builder()
                .store(store)
                .node(settings.node())
                .codec(settings.codec())
                .purgeInterval(settings.purgeInterval())
                .renewLeases(settings.renewLeases());
        if (settings.processingLog()) {
            if (!logsHeld) {
                quietKafkaClient();
            }
            KafkaProcessingLog.Builder log = KafkaProcessingLog.builder()
                    .bootstrapServers(settings.kafkaBootstrapServers())
                    .bufferSize(settings.kafkaBufferSize())
                    .closeTimeout(settings.kafkaCloseTimeout())
                    .reportInterval(settings.kafkaReportInterval())
                    .producerProperties(settings.kafkaProducerProperties());
            if (!settings.kafkaTopic().isEmpty()) {
                log.topic(settings.kafkaTopic());
            }
            if (!settings.kafkaClientId().isEmpty()) {
                log.clientId(settings.kafkaClientId());
            }
            processingLog = log.build();
            builder.listener(processingLog);
        }
        idem = builder.build();
        if (settings.workerThreads() > 0) {
            worker = DeferredWorker.builder(idem)
                    .threads(settings.workerThreads())
                    .pollInterval(settings.workerPollInterval())
                    .batchSize(settings.workerBatchSize())
                    .shutdownTimeout(settings.workerShutdownTimeout())
                    .targets(new SeenTargets())
                    .registrar(this::register)
                    .build();
            worker.start();
        }
        try {
            WarmUp.run(settings);
        } catch (Throwable fault) {
            log().log(Level.DEBUG, "Idem agent: the warm-up call failed; the first woven call does its work", fault);
        }
    }

    /** An {@link IdemLogging} logger: held back with the engine's own records. */
    @Override
    public System.Logger logger(String name) {
        return IdemLogging.logger(name);
    }

    /**
     * Holds the engine's log records, and those of its libraries, back until {@link #releaseLogs()}, so that
     * the engine does not set up the platform's logging before the application has: an application may
     * install its own {@code java.util.logging.LogManager}. See {@link IdemLogging}.
     */
    @Override
    public void holdLogs() {
        logsHeld = true;
        IdemLogging.hold();
    }

    /**
     * The application is making woven calls, so it has started: its log records are released on a thread
     * of their own, which keeps the cost of setting up logging off this call. Not a daemon: an application
     * that returns from {@code main} right after its first call waits for the records, instead of
     * exiting while they are written, when {@code java.util.logging}'s own exit hook could close its
     * handlers under them.
     */
    private void releaseLogsSoon() {
        if (!releaseStarted.compareAndSet(false, true)) {
            return;
        }
        Thread releaser = new Thread(this::releaseLogs, "idem-agent-release-logs");
        releaser.setDaemon(false);
        releaser.start();
    }

    /**
     * Turns the Kafka client's INFO lines down (see {@link #kafkaLog}), then writes the log records held
     * back since {@link #holdLogs()}, if any, and lets later ones through.
     */
    @Override
    public synchronized void releaseLogs() {
        logsHeld = false;
        quietKafkaClient();
        IdemLogging.release();
    }

    /** Turns the Kafka client's INFO lines down (see {@link #kafkaLog}) when it is used; sets up logging. */
    private synchronized void quietKafkaClient() {
        if (settings.processingLog() && kafkaLog == null) {
            kafkaLog = java.util.logging.Logger.getLogger("org.apache.kafka");
            if (kafkaLog.getLevel() == null) {
                kafkaLog.setLevel(java.util.logging.Level.WARNING);
            }
        }
    }

    /** The methods named by pointcuts, as {@code com.x.Billing#charge} or {@code com.x.Billing#charge(int)}. */
    public List<String> pointcutMethods() {
        List<String> methods = new ArrayList<>();
        for (Pointcut pointcut : settings.pointcuts().values()) {
            methods.add(pointcut.method());
        }
        return methods;
    }

    /** The package prefixes the agent weaves; empty means all. */
    public List<String> instrumentedPackages() {
        return settings.instrumentedPackages();
    }

    /** One line for the startup log: the store (without secrets), the node, the pointcuts, the log. */
    public String describe() {
        return "store=" + settings.storeForLog() + ", node=" + settings.node() + ", pointcuts="
                + settings.pointcuts().keySet()
                + (processingLog == null ? "" : ", processing log=" + processingLog.topic() + " on "
                        + settings.kafkaBootstrapServers());
    }

    /** Stops the engine's threads and closes the store; called on JVM shutdown. */
    public void close() {
        if (worker != null) {
            worker.close();
        }
        if (idem != null) {
            idem.close();
            store.close();
        }
        if (processingLog != null) {
            processingLog.close();
        }
    }

    @Override
    public Object begin(Class<?> type, String method, Object target, Object[] args) throws Throwable {
        if (logsHeld) {
            releaseLogsSoon();
        }
        Registration registration = registrations.get(type).computeIfAbsent(method, id -> register(type, id));
        if (registration.error != null) {
            throw registration.error;
        }
        if (registration.defers && target != null) {
            seenTargets.put(type, new WeakReference<>(target));
        }
        try {
            return registration.method.begin(target, args);
        } catch (IdempotencyException documented) {
            throw documented;
        } catch (RuntimeException | Error fault) {
            log().log(Level.ERROR, "Idem agent: internal fault starting a call of " + registration.name
                    + "; the call was not run", fault);
            throw new IdempotencyStoreException(null, "internal fault of the Idem agent starting " + registration.name
                    + " (" + fault + "); the call was not run; see the log", fault);
        }
    }

    @Override
    public boolean proceed(Object call) {
        return ((MethodCall) call).proceed();
    }

    @Override
    public boolean afterAttempt(Object call, Object returned, Throwable thrown) {
        MethodCall methodCall = (MethodCall) call;
        return methodCall.proceed() && methodCall.afterAttempt(returned, thrown);
    }

    @Override
    public Object result(Object call) throws Throwable {
        return ((MethodCall) call).result();
    }

    @Override
    public void prepareJson() {
        try {
            idem.prepareJson();
        } catch (RuntimeException | LinkageError fault) {
            log().log(Level.WARNING, "Idem agent: could not prepare JSON in the background; the first call that needs "
                    + "it will build it", fault);
        }
    }

    /** Registers a method for the worker, the way woven calls register it. */
    private IdempotentMethod register(Method method) {
        Registration registration = registrations.get(method.getDeclaringClass())
                .computeIfAbsent(Descriptors.of(method), id -> register(method.getDeclaringClass(), id));
        if (registration.error != null) {
            throw registration.error;
        }
        return registration.method;
    }

    private Registration register(Class<?> type, String id) {
        seenClasses.put(type.getName(), type);
        Method method = Descriptors.find(type, id);
        String name = type.getName() + "#" + (method == null ? id : method.getName());
        try {
            if (method == null) {
                throw new IdempotencyConfigurationException("the Idem agent wove " + type.getName() + "#" + id
                        + " but cannot find it by reflection", null);
            }
            Pointcut pointcut = settings.pointcutFor(method);
            IdempotentMethod registered = pointcut == null ? idem.method(method)
                    : idem.method(method, pointcut.idempotency(type.getClassLoader()), pointcut.retry(type.getClassLoader()));
            log().log(Level.INFO, "Idem agent: {0} is {1}", name, describe(registered));
            return new Registration(name, registered, null);
        } catch (IdempotencyConfigurationException e) {
            log().log(Level.ERROR, "Idem agent: " + e.getMessage() + "; every call of it fails until this is fixed");
            return new Registration(name, null, e);
        } catch (RuntimeException e) {
            log().log(Level.ERROR, "Idem agent: cannot register " + name + "; every call of it fails", e);
            return new Registration(name, null, new IdempotencyConfigurationException("the Idem agent cannot register "
                    + name + ": " + e, e));
        }
    }

    private static String describe(IdempotentMethod method) {
        IdempotencyPolicy idempotency = method.idempotency();
        RetryPolicy retry = method.retry();
        return (idempotency == null ? "" : "idempotent (namespace " + method.namespace() + ", ttl " + idempotency.ttl() + ")")
                + (idempotency != null && retry != null ? " and " : "")
                + (retry == null ? "" : "retryable (" + retry.maxAttempts() + " attempts)");
    }

    /** The agent's logger, looked up on use so that logging is not set up on the application's main thread. */
    private static System.Logger log() {
        return IdemLogging.logger("dev.idem.agent");
    }

    /** A method's registration, or why it failed. */
    private static final class Registration {
        final String name;
        final IdempotentMethod method;
        final IdempotencyConfigurationException error;
        final boolean defers;

        Registration(String name, IdempotentMethod method, IdempotencyConfigurationException error) {
            this.name = name;
            this.method = method;
            this.error = error;
            this.defers = method != null && method.retry() != null && method.retry().defer() != null;
        }
    }

    /**
     * How the worker finds a deferred call's class and target again in an application the agent does not
     * know: classes and instances seen in woven calls of this JVM, then the system class loader and a
     * new instance made with the no-argument constructor.
     */
    private final class SeenTargets implements DeferredWorker.Targets {
        private final DeferredWorker.Targets fallback = DeferredWorker.Targets.of(List.of(),
                ClassLoader.getSystemClassLoader());

        @Override
        public Class<?> loadClass(String name) throws ClassNotFoundException {
            Class<?> seen = seenClasses.get(name);
            return seen != null ? seen : fallback.loadClass(name);
        }

        @Override
        public Object target(Method method) {
            WeakReference<Object> seen = seenTargets.get(method.getDeclaringClass());
            Object target = seen == null ? null : seen.get();
            return target != null ? target : fallback.target(method);
        }
    }
}
