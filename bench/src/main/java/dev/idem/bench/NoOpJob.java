package dev.idem.bench;

import dev.idem.annotation.Retryable;
import java.util.concurrent.atomic.LongAdder;

/**
 * The job of {@link DeferredJobsBenchmark}: a static method that does nothing but count its runs. In the
 * coordinator, while it prepares the backlog, {@link #deferring} is set and the method fails, so that Idem
 * defers each call exactly as it defers a call whose dependency is down. In the worker JVMs the flag is
 * never set, so each run succeeds. db-scheduler's task body calls the same method, so both systems run
 * the same job. Thread-safe.
 */
final class NoOpJob {

    /** Whether calls fail (and so are deferred); only the coordinator sets it, while it prepares jobs. */
    static volatile boolean deferring;

    private static final LongAdder RUNS = new LongAdder();

    private NoOpJob() {
    }

    /**
     * The job: fails while {@link #deferring} is set, else counts one run. A failed call is deferred after
     * its one in-process attempt, due 0.5 to 1 ms later (the deferred delay with equal jitter).
     *
     * @param job the job's number, stored with the deferred invocation
     */
    @Retryable(maxAttempts = 1, defer = true, deferDelay = "1ms")
    static void run(long job) {
        if (deferring) {
            throw new IllegalStateException("job " + job + " is deferred while the benchmark prepares its backlog");
        }
        RUNS.increment();
    }

    /** How many runs succeeded in this JVM. */
    static long runs() {
        return RUNS.sum();
    }
}
