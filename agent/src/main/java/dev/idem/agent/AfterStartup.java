package dev.idem.agent;

import dev.idem.agent.bootstrap.Dispatcher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The agent's work that waits for the application to finish starting. Once the engine is ready, a
 * background thread waits until no class has loaded for {@link #QUIET_MILLIS} ms, which is when the
 * application has finished starting or is between bursts. It then releases the log records the engine
 * held back ({@link Dispatcher#releaseLogs()}): by then the application has set up its logging.
 *
 * <p>After that, and once the agent has woven a method that takes or returns values other than strings,
 * whole numbers and booleans, the same wait precedes building the engine's JSON machinery (Jackson's
 * mappers, a few hundred ms of CPU in a cold JVM), ahead of the first call that needs it. A call that needs
 * JSON earlier builds it on its own thread. Thread-safe.
 */
final class AfterStartup {

    /** How long class loading must have been quiet before the application counts as started. */
    static final long QUIET_MILLIS = 300;

    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);

    private volatile long lastClassLoad = System.nanoTime();
    private Dispatcher engine;
    private boolean settled;
    private boolean jsonNeeded;
    private boolean jsonStarted;

    /** Notes that a class is loading; called by the transformer for every class. */
    void classLoading() {
        lastClassLoad = System.nanoTime();
    }

    /** Notes that a woven method takes or returns values that need JSON. */
    synchronized void jsonNeeded() {
        jsonNeeded = true;
        startJsonIfDue();
    }

    /** Notes that the engine is installed: from now on, the wait for a quiet start runs. */
    synchronized void engineReady(Dispatcher ready) {
        if (engine != null) {
            return;
        }
        engine = ready;
        start("idem-agent-after-start", new Runnable() {
            @Override
            public void run() {
                awaitQuiet();
                ready.releaseLogs();
                settled();
            }
        });
    }

    private synchronized void settled() {
        settled = true;
        startJsonIfDue();
    }

    private void startJsonIfDue() {
        if (!jsonNeeded || !settled || jsonStarted) {
            return;
        }
        jsonStarted = true;
        Dispatcher building = engine;
        start("idem-agent-prepare-json", new Runnable() {
            @Override
            public void run() {
                awaitQuiet();
                building.prepareJson();
            }
        });
    }

    // anonymous classes, not lambdas: this can run on the application's main thread while it starts
    private static void start(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.setDaemon(true);
        thread.start();
    }

    private void awaitQuiet() {
        for (long quietFor = System.nanoTime() - lastClassLoad; quietFor < QUIET_NANOS;
                quietFor = System.nanoTime() - lastClassLoad) {
            LockSupport.parkNanos(QUIET_NANOS - quietFor);
        }
    }
}
