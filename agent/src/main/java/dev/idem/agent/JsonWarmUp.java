package dev.idem.agent;

import dev.idem.agent.bootstrap.Dispatcher;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Builds the engine's JSON machinery (Jackson's mappers, a few hundred ms of CPU in a cold JVM) ahead of
 * the first call that needs it, without slowing the application's start: once the agent has woven a
 * method that takes or returns values other than strings, whole numbers and booleans, and the engine is
 * ready, a background thread waits until no class has loaded for {@link #QUIET_MILLIS} ms, which is when
 * the application has finished starting or is between bursts, and then builds them. A call that needs
 * JSON before that builds it on its own thread. Thread-safe.
 */
final class JsonWarmUp {

    /** How long class loading must have been quiet before the mappers are built. */
    static final long QUIET_MILLIS = 300;

    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS);

    private volatile long lastClassLoad = System.nanoTime();
    private boolean needed;
    private Dispatcher engine;
    private boolean started;

    /** Notes that a class is loading; called by the transformer for every class. */
    void classLoading() {
        lastClassLoad = System.nanoTime();
    }

    /** Notes that a woven method takes or returns values that need JSON. */
    synchronized void needed() {
        needed = true;
        startIfDue();
    }

    /** Notes that the engine is installed and can build the mappers. */
    synchronized void engineReady(Dispatcher ready) {
        engine = ready;
        startIfDue();
    }

    private void startIfDue() {
        if (!needed || engine == null || started) {
            return;
        }
        started = true;
        Dispatcher building = engine;
        // an anonymous class, not a lambda: this can run on the application's main thread while it starts
        Thread thread = new Thread(new Runnable() {
            @Override
            public void run() {
                awaitQuiet();
                building.prepareJson();
            }
        }, "idem-agent-prepare-json");
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
