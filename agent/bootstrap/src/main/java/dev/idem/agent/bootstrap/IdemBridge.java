package dev.idem.agent.bootstrap;

import dev.idem.annotation.IdempotencyStoreUnavailableException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The one class woven code calls. It lives on the bootstrap class path, where every class loader sees it,
 * and forwards to the {@link Dispatcher} the agent installs once its engine has started (in the
 * background, so the application's startup does not wait). A call that arrives while the engine is still
 * starting waits for it, up to {@link #STARTUP_WAIT_SECONDS}, then fails closed. If the agent could not
 * start at all it says so in the log and woven methods run as if they were not woven. Thread-safe.
 */
public final class IdemBridge {

    /** How long a call waits for the engine to finish starting. */
    public static final long STARTUP_WAIT_SECONDS = 60;

    private static final Object PASS_THROUGH = new Object();
    private static final Object LOCK = new Object();

    private static final Set<String> WOVEN = ConcurrentHashMap.newKeySet();

    private static volatile Dispatcher dispatcher;
    private static volatile boolean failed;

    private IdemBridge() {
    }

    /** Installs the engine's dispatcher; called once by the agent when the engine has started. */
    public static void install(Dispatcher installed) {
        synchronized (LOCK) {
            dispatcher = installed;
            LOCK.notifyAll();
        }
    }

    /** Records that the engine could not start; woven methods then run unwoven. */
    public static void failed() {
        synchronized (LOCK) {
            failed = true;
            LOCK.notifyAll();
        }
    }

    /** Records that the agent wove methods of the class named {@code className}; called by the weaver. */
    public static void markWoven(String className) {
        WOVEN.add(className);
    }

    /**
     * Whether the agent wove methods of {@code type}: another weaver (the Spring starter) then leaves it
     * alone, so that each call is intercepted once.
     */
    public static boolean woven(Class<?> type) {
        return WOVEN.contains(type.getName());
    }

    /** Starts a call; see {@link Dispatcher#begin}. */
    public static Object begin(Class<?> type, String method, Object target, Object[] args) throws Throwable {
        Dispatcher current = dispatcher;
        if (current == null) {
            current = awaitDispatcher(type, method);
            if (current == null) {
                return PASS_THROUGH;
            }
        }
        return current.begin(type, method, target, args);
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

    private static Dispatcher awaitDispatcher(Class<?> type, String method) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(STARTUP_WAIT_SECONDS);
        synchronized (LOCK) {
            while (dispatcher == null && !failed) {
                long remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    throw new IdempotencyStoreUnavailableException(null, type.getName() + "#" + method
                            + ": the Idem agent is still starting after " + STARTUP_WAIT_SECONDS + " s, so the call "
                            + "was not run; see the log for what it waits on", null);
                }
                TimeUnit.NANOSECONDS.timedWait(LOCK, remaining);
            }
            return dispatcher;
        }
    }
}
