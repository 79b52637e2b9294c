package dev.idem.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Deferred-job throughput: how fast two worker JVMs drain a backlog of due no-op jobs, for Idem on
 * PostgreSQL, db-scheduler on the same PostgreSQL, and Idem on Redis, one after the other in one run.
 * Prints a Markdown table: seconds, jobs per second and the ratio to db-scheduler.
 *
 * <p>For each system, untimed: a fresh namespace (tables or keys under a new prefix) is filled with N jobs
 * due now, PostgreSQL is asked for a checkpoint (so that no system pays for the WAL written before it),
 * and two worker JVMs are forked, each building its system's worker with the same threads, poll
 * interval and batch size. The clock starts when both have said they are ready and are told to start, and
 * stops when the store shows no job left, checked every 10 ms once the JVMs have said that they ran N jobs
 * (so that checking does not load the database while the jobs run). Each JVM then stops gracefully and
 * says how many jobs it ran. The run fails (exit status 1) unless the JVMs ran N jobs in all and the store
 * shows every job done; as a done job ran at least once, N runs mean each ran exactly once.
 *
 * <p>What each side does per job:
 * <ul>
 *   <li><b>Idem</b> ({@code DeferredWorker}): the job is a real deferral, made by calling the
 *       {@code @Retryable(defer = true)} method {@link NoOpJob#run} while it fails: a {@code SCHEDULED}
 *       record holding the method and its JSON arguments. The worker's poller claims due jobs with a
 *       lease (on PostgreSQL one statement: {@code FOR UPDATE SKIP LOCKED}, each claimed record set
 *       {@code IN_PROGRESS} with a new fencing token, and a {@code RESUMED} history row each; on Redis a
 *       look at every bucket's due index and Redis's {@code TIME} in one round trip, then a script per bucket
 *       holding due jobs), as soon as it has room for as many jobs as it has threads (it holds at most
 *       threads + batch size), at most the batch size. Each claimed job's thread decodes the invocation,
 *       finds the method and runs it under the job's claim, at most {@code threads} jobs at once, then
 *       completes the record with its result and a {@code COMPLETED} history row (one statement or one
 *       script; on PostgreSQL, completions made at the same time share one statement).</li>
 *   <li><b>db-scheduler</b> ({@code Scheduler}, lock-and-fetch polling): the job is one one-time execution
 *       of a task that calls {@link NoOpJob#run}. One statement picks and locks up to the batch size of due
 *       executions ({@code FOR UPDATE SKIP LOCKED}, marked picked by this scheduler), a thread runs the
 *       task, and one statement deletes the execution. It keeps no history.</li>
 * </ul>
 * Both poll with the same interval, both PostgreSQL workers get a pool of {@code threads + 2} connections,
 * and both are given a batch of {@value #BATCH_PER_THREAD} × threads jobs per poll: db-scheduler as its
 * documentation advises for high throughput (lock-and-fetch, fetching again when {@code threads} or fewer
 * are left), Idem as its batch size (it claims again once as many jobs as it has threads have finished).
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.idem.bench.DeferredJobsBenchmark [jobs]
 * [threads-per-jvm] [poll-millis]}, by default 20,000 jobs, 4 threads and 100 ms. The workers get this
 * JVM's {@code -Xms}, {@code -Xmx} and {@code -XX:} flags. Addresses come from
 * {@code IDEM_TEST_POSTGRES_URL} and {@code IDEM_TEST_REDIS_URL}. Progress goes to standard error.
 * Measures one system at a time, on the main thread.
 */
public final class DeferredJobsBenchmark {

    /** Jobs fetched per poll, at most, per worker thread, for both systems. */
    static final int BATCH_PER_THREAD = 4;

    private static final int WORKER_JVMS = 2;
    private static final int DEFAULT_JOBS = 20_000;
    private static final int DEFAULT_THREADS = 4;
    private static final long DEFAULT_POLL_MILLIS = 100;
    private static final Duration WORKER_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);
    private static final long DONE_CHECK_MILLIS = 10;
    private static final long PROGRESS_NANOS = Duration.ofSeconds(10).toNanos();

    /**
     * What every system gets.
     *
     * @param jobs jobs in the backlog
     * @param threads job threads per worker JVM
     * @param batchSize jobs fetched per poll, at most
     * @param pollInterval the pause between polls
     */
    record Settings(int jobs, int threads, int batchSize, Duration pollInterval) {
    }

    private record Result(JobSystem system, int jobs, int threads, double seconds) {
        double jobsPerSecond() {
            return jobs / seconds;
        }
    }

    private DeferredJobsBenchmark() {
    }

    /** Measures every system; exits with status 1, saying why, when a run fails or miscounts. */
    public static void main(String[] args) {
        quietLogging();
        try {
            int threads = args.length > 1 ? positive(args[1], "threads-per-jvm") : DEFAULT_THREADS;
            Settings settings = new Settings(args.length > 0 ? positive(args[0], "jobs") : DEFAULT_JOBS, threads,
                    BATCH_PER_THREAD * threads,
                    Duration.ofMillis(args.length > 2 ? positive(args[2], "poll-millis") : DEFAULT_POLL_MILLIS));
            List<Result> results = new ArrayList<>();
            for (JobSystem system : JobSystem.values()) {
                results.add(measure(system, settings));
            }
            print(results, settings);
        } catch (Throwable e) {
            System.err.println();
            System.err.println("DeferredJobsBenchmark FAILED: " + e.getMessage());
            e.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * Logs warnings and errors only, in this JVM and the workers, so that the pools' and schedulers' start
     * and stop messages do not bury the progress lines.
     */
    static void quietLogging() {
        Logger.getLogger("").setLevel(Level.WARNING);
    }

    private static int positive(String arg, String name) {
        int value = Integer.parseInt(arg);
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1: " + arg);
        }
        return value;
    }

    private static Result measure(JobSystem system, Settings settings) throws Exception {
        try (JobBacklog backlog = open(system)) {
            long preparing = System.nanoTime();
            backlog.prepare(settings.jobs());
            BenchEndpoints.checkpoint();
            progress("%s: %,d jobs due, prepared in %.1f s", system.label, settings.jobs(), seconds(preparing));
            List<ForkedWorker> workers = new ArrayList<>();
            try {
                for (int i = 1; i <= WORKER_JVMS; i++) {
                    workers.add(ForkedWorker.fork(system, backlog.location(), settings, system.id + "-worker-" + i));
                }
                for (ForkedWorker worker : workers) {
                    worker.awaitReady(WORKER_TIMEOUT);
                }
                long start = System.nanoTime();
                for (ForkedWorker worker : workers) {
                    worker.start();
                }
                awaitDone(backlog, workers, settings.jobs(), start);
                double seconds = seconds(start);
                long runs = 0;
                StringBuilder perWorker = new StringBuilder();
                for (ForkedWorker worker : workers) {
                    long ran = worker.stop(WORKER_TIMEOUT);
                    runs += ran;
                    perWorker.append(String.format(Locale.ROOT, ", %s ran %,d", worker.name(), ran));
                }
                progress("%s: done in %.2f s%s", system.label, seconds, perWorker);
                if (runs != settings.jobs()) {
                    throw new IllegalStateException(system.label + ": the workers ran " + runs + " jobs for "
                            + settings.jobs() + " deferred jobs; each must run exactly once");
                }
                backlog.verifyAllDone(settings.jobs());
                return new Result(system, settings.jobs(), settings.threads(), seconds);
            } finally {
                for (ForkedWorker worker : workers) {
                    worker.close();
                }
            }
        }
    }

    private static JobBacklog open(JobSystem system) throws Exception {
        return switch (system) {
            case IDEM_POSTGRES -> IdemBacklog.postgres();
            case IDEM_REDIS -> IdemBacklog.redis();
            case DB_SCHEDULER -> new DbSchedulerBacklog();
        };
    }

    /**
     * Waits until the workers have said they ran {@code jobs} jobs, then until the store shows none left.
     * The store is only checked at the end, so that checking does not load the database while jobs run.
     */
    private static void awaitDone(JobBacklog backlog, List<ForkedWorker> workers, int jobs, long start)
            throws Exception {
        long lastProgress = start;
        long runs = 0;
        while (runs < jobs || backlog.pending() > 0) {
            long now = System.nanoTime();
            if (now - start > RUN_TIMEOUT.toNanos()) {
                throw new IllegalStateException(backlog.system().label + ": " + (runs < jobs ? "the workers ran "
                        + runs + " of " + jobs + " jobs" : backlog.pending() + " jobs are still not done in the store")
                        + " after " + RUN_TIMEOUT.toMinutes() + " minutes");
            }
            if (now - lastProgress >= PROGRESS_NANOS) {
                progress("%s: %,d of %,d jobs run after %.0f s", backlog.system().label, runs, jobs, seconds(start));
                lastProgress = now;
            }
            Thread.sleep(DONE_CHECK_MILLIS);
            runs = workers.stream().mapToLong(ForkedWorker::reportedRuns).sum();
        }
    }

    private static void print(List<Result> results, Settings settings) {
        double baseline = results.stream().filter(result -> result.system() == JobSystem.DB_SCHEDULER)
                .mapToDouble(Result::jobsPerSecond).findFirst().orElseThrow();
        System.out.println("| system | jobs | JVMs × threads | seconds | jobs/s | vs db-scheduler |");
        System.out.println("|---|---:|---:|---:|---:|---:|");
        for (Result result : results) {
            System.out.printf(Locale.ROOT, "| %s | %,d | %d × %d | %.2f | %,.0f | %.2f |%n", result.system().label,
                    result.jobs(), WORKER_JVMS, result.threads(), result.seconds(), result.jobsPerSecond(),
                    result.jobsPerSecond() / baseline);
        }
        System.out.printf(Locale.ROOT, "%n(%s %s; %d CPUs; worker JVM flags %s; poll interval %d ms; at most %d jobs "
                + "fetched per poll)%n", System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), ForkedWorker.jvmFlags().isEmpty() ? "(none)"
                        : String.join(" ", ForkedWorker.jvmFlags()), settings.pollInterval().toMillis(),
                settings.batchSize());
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static void progress(String format, Object... args) {
        System.err.println(String.format(Locale.ROOT, format, args));
    }
}
