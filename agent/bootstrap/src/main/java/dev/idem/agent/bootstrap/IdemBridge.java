package dev.idem.agent.bootstrap;

/**
 * The one class woven code calls. It lives on the bootstrap class path, where every class loader sees it,
 * and forwards to the {@link Dispatcher} the agent installs. Until one is installed (or if the agent
 * failed to start) woven methods run as if they were not woven. Thread-safe.
 */
public final class IdemBridge {

    private static final Object PASS_THROUGH = new Object();

    private static volatile Dispatcher dispatcher;

    private IdemBridge() {
    }

    /** Installs the engine's dispatcher; called once by the agent. */
    public static void install(Dispatcher installed) {
        dispatcher = installed;
    }

    /** Starts a call; see {@link Dispatcher#begin}. */
    public static Object begin(Class<?> type, String method, Object target, Object[] args) throws Throwable {
        Dispatcher current = dispatcher;
        return current == null ? PASS_THROUGH : current.begin(type, method, target, args);
    }

    /** Whether the woven method must skip its body and replay; the enter advice returns this. */
    public static boolean skip(Object call) {
        return call != PASS_THROUGH && !dispatcher.proceed(call);
    }

    /** Whether the body must run again; see {@link Dispatcher#afterAttempt}. */
    public static boolean repeat(Object call, Object returned, Throwable thrown) {
        return call != PASS_THROUGH && dispatcher.afterAttempt(call, returned, thrown);
    }

    /**
     * The value the woven method returns; throws what it must throw instead.
     *
     * @param returned what the body returned, used when the call passed through
     * @param thrown what the body threw, rethrown when the call passed through
     */
    public static Object result(Object call, Object returned, Throwable thrown) throws Throwable {
        if (call == PASS_THROUGH) {
            if (thrown != null) {
                throw thrown;
            }
            return returned;
        }
        return dispatcher.result(call);
    }
}
