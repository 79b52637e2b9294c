package dev.idem.agent;

import dev.idem.agent.bootstrap.Dispatcher;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The javaagent: {@code java -javaagent:idem-agent.jar[=idem.store=...,idem.node=...] -jar app.jar}, or
 * attached to a running JVM with {@code java -jar idem-agent.jar attach <pid> [idem.store=...,...]}.
 *
 * <p>Settings come from system properties, then environment variables, then the properties file named by
 * {@code idem.config}, then the agent arguments. A bad setting stops the JVM at startup with a message
 * naming it (an attach is refused instead, and the running JVM is left alone). A store that is down is
 * not a bad setting: calls fail closed until it is back. The agent's own faults never stop the
 * application: they are logged and the application runs unwoven.
 */
public final class IdemAgent {

    private static final String BRIDGE = "dev.idem.agent.bootstrap.IdemBridge";
    private static final String DISPATCHER = "dev.idem.agent.bootstrap.Dispatcher";

    private static boolean started;
    /**
     * The engine (a {@link Dispatcher}) once it exists: the agent's log records then go through it, held back
     * while the application starts. Typed {@code Object} here and in every signature of this class, because
     * the JVM resolves those before {@code premain} runs, before the bridge is on the bootstrap path.
     */
    private static volatile Object logs;

    private IdemAgent() {
    }

    /** Entry point of {@code -javaagent}. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, false);
    }

    /** Entry point of an attach. */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments, instrumentation, true);
    }

    /** {@code java -jar idem-agent.jar attach <pid> [settings]}. */
    public static void main(String[] args) throws Exception {
        System.exit(Attach.run(args, System.out, System.err));
    }

    private static synchronized void start(String arguments, Instrumentation instrumentation, boolean attached) {
        if (started) {
            log().log(System.Logger.Level.WARNING, "Idem agent: already running in this JVM; ignoring a second start");
            return;
        }
        long begin = System.nanoTime();
        Object engine;
        try {
            Map<String, String> agentArguments = AgentArguments.parse(arguments);
            engine = EngineLoader.configure(instrumentation, agentArguments, configFile(agentArguments));
        } catch (IllegalArgumentException badSetting) {
            System.err.println("Idem agent: " + badSetting.getMessage());
            if (attached) {
                throw badSetting;
            }
            System.err.println("Idem agent: stopping the JVM; fix the setting and start again");
            System.exit(78);
            return;
        } catch (Throwable fault) {
            log().log(System.Logger.Level.ERROR, "Idem agent: could not start; the application runs WITHOUT Idem", fault);
            return;
        }
        try {
            logs = engine;
            if (!attached) {
                ((Dispatcher) engine).holdLogs();
                // an anonymous class, not a lambda, on the main thread: held records are written at exit at the latest
                Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
                    @Override
                    public void run() {
                        releaseHeldLogs();
                    }
                }, "idem-agent-release-logs"));
            }
            Class<?> bridge = Class.forName(BRIDGE, true, null);
            List<String> pointcuts = call(engine, "pointcutMethods");
            List<String> packages = call(engine, "instrumentedPackages");
            AfterStartup afterStartup = new AfterStartup();
            CompletableFuture<Void> weaving = Weaver.install(instrumentation, bridge, pointcuts, packages, attached,
                    afterStartup);
            started = true;
            // an anonymous class, not a lambda: linking the first lambda costs the main thread tens of ms
            Thread starter = new Thread(new Runnable() {
                @Override
                public void run() {
                    startEngine(engine, bridge, weaving, afterStartup, begin, attached, pointcuts);
                }
            }, "idem-agent-start");
            starter.setDaemon(true);
            starter.start();
        } catch (Throwable fault) {
            releaseHeldLogs();
            log().log(System.Logger.Level.ERROR, "Idem agent: could not install; the application runs WITHOUT Idem", fault);
        }
    }

    private static void startEngine(Object engine, Class<?> bridge, CompletableFuture<Void> weaving,
            AfterStartup afterStartup, long begin, boolean attached, List<String> pointcuts) {
        Thread thread = Thread.currentThread();
        thread.setContextClassLoader(engine.getClass().getClassLoader());
        try {
            engine.getClass().getMethod("start").invoke(engine);
            bridge.getMethod("install", Class.forName(DISPATCHER, false, null)).invoke(null, engine);
            afterStartup.engineReady((Dispatcher) engine);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> call(engine, "close"), "idem-agent-shutdown"));
            weaving.join();
            log().log(System.Logger.Level.INFO, "Idem agent {0} {1}, ready in {2} ms: {3}; weaving methods annotated with "
                    + "@Idempotent or @Retryable{4}", version(), attached ? "attached" : "started",
                    (System.nanoTime() - begin) / 1_000_000, call(engine, "describe"),
                    pointcuts.isEmpty() ? "" : " and " + pointcuts);
        } catch (Throwable fault) {
            Throwable cause = fault instanceof java.lang.reflect.InvocationTargetException ? fault.getCause() : fault;
            releaseHeldLogs();
            log().log(System.Logger.Level.ERROR, "Idem agent: the engine could not start; woven methods run WITHOUT Idem",
                    cause);
            try {
                bridge.getMethod("failed").invoke(null);
            } catch (ReflectiveOperationException unreachable) {
                log().log(System.Logger.Level.ERROR, "Idem agent: cannot reach the bridge", unreachable);
            }
        }
    }

    /** Writes the records held back so far and lets later ones through: a fault must show at once. */
    private static void releaseHeldLogs() {
        Object engine = logs;
        if (engine != null) {
            try {
                ((Dispatcher) engine).releaseLogs();
            } catch (RuntimeException | LinkageError broken) {
                logs = null;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T call(Object engine, String method) {
        try {
            return (T) engine.getClass().getMethod(method).invoke(engine);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the agent jar is damaged: " + e, e);
        }
    }

    private static Map<String, String> configFile(Map<String, String> agentArguments) throws IOException {
        String path = System.getProperty("idem.config");
        if (path == null) {
            path = System.getenv("IDEM_CONFIG");
        }
        if (path == null) {
            path = agentArguments.get("idem.config");
        }
        Map<String, String> settings = new TreeMap<>();
        if (path == null || path.isBlank()) {
            return settings;
        }
        Path file = Path.of(path.trim());
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("setting idem.config names " + file.toAbsolutePath()
                    + ", which is not a readable file");
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        properties.forEach((key, value) -> settings.put(String.valueOf(key), String.valueOf(value)));
        return settings;
    }

    /**
     * The agent's logger. Once the engine exists, records go through it and are held back until the
     * application has started (see {@link Dispatcher#holdLogs()}); before, they go to the platform's logger.
     */
    static System.Logger log() {
        Object engine = logs;
        return engine != null ? ((Dispatcher) engine).logger("dev.idem.agent") : System.getLogger("dev.idem.agent");
    }

    static String version() {
        String version = IdemAgent.class.getPackage().getImplementationVersion();
        return version == null ? "(development)" : version;
    }
}
