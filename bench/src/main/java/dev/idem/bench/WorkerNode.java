package dev.idem.bench;

import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.SchedulerName;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.DeferredWorker;
import dev.idem.Idem;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.jdbc.JdbcStore;
import dev.idem.store.redis.RedisStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One worker JVM of {@link DeferredJobsBenchmark}: runs one system's worker on the coordinator's
 * namespace, told when to start and stop on its standard input. It prints {@value #READY} once built,
 * starts on {@value #START}, and while it runs prints {@value #RUNS} and how many jobs it has run so far,
 * every {@value #RUNS_EVERY_MILLIS} ms when that changed. It stops on {@value #STOP} (gracefully: running
 * jobs finish), then prints {@value #RAN} and how many jobs it ran in all, and exits. Any failure, or the
 * coordinator going away, exits with status 1.
 *
 * <p>Arguments: {@code system location threads batch-size poll-millis node-name}. Both PostgreSQL systems
 * get the same pool: {@code threads + 2} connections.
 */
final class WorkerNode {

    static final String READY = "ready";
    static final String START = "start";
    static final String STOP = "stop";
    static final String RAN = "ran";
    static final String RUNS = "runs";
    static final long RUNS_EVERY_MILLIS = 10;

    /**
     * Idem's lease of a claimed job (its default); db-scheduler's heartbeat stays at its default, 5 minutes.
     * Neither matters to no-op jobs.
     */
    private static final Duration LEASE = Duration.ofMinutes(1);

    /** A system's worker, built but not started. */
    private interface Runner {
        void start();

        void stop();
    }

    private WorkerNode() {
    }

    public static void main(String[] args) {
        DeferredJobsBenchmark.quietLogging();
        try {
            JobSystem system = JobSystem.byId(args[0]);
            String location = args[1];
            int threads = Integer.parseInt(args[2]);
            int batchSize = Integer.parseInt(args[3]);
            Duration pollInterval = Duration.ofMillis(Long.parseLong(args[4]));
            String node = args[5];
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            Runner runner = system == JobSystem.DB_SCHEDULER
                    ? dbScheduler(location, threads, batchSize, pollInterval, node)
                    : idem(system, location, threads, batchSize, pollInterval, node);
            System.out.println(READY);
            await(commands, START);
            runner.start();
            reportRuns();
            await(commands, STOP);
            runner.stop();
            System.out.println(RAN + " " + NoOpJob.runs());
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    /** Prints the runs so far on a daemon thread, so that the coordinator need not poll the store meanwhile. */
    private static void reportRuns() {
        Thread reporter = new Thread(() -> {
            long reported = 0;
            try {
                while (true) {
                    long runs = NoOpJob.runs();
                    if (runs != reported) {
                        System.out.println(RUNS + " " + runs);
                        reported = runs;
                    }
                    Thread.sleep(RUNS_EVERY_MILLIS);
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        }, "runs-reporter");
        reporter.setDaemon(true);
        reporter.start();
    }

    private static void await(BufferedReader commands, String command) throws IOException {
        String line = commands.readLine();
        if (!command.equals(line)) {
            throw new IllegalStateException("expected '" + command + "' from the coordinator, got '" + line + "'");
        }
    }

    /** Idem's {@link DeferredWorker}: polls with {@code batchSize}, runs on {@code threads}. */
    private static Runner idem(JobSystem system, String location, int threads, int batchSize, Duration pollInterval,
            String node) {
        HikariDataSource pool = system == JobSystem.IDEM_POSTGRES ? BenchEndpoints.postgresPool(node, threads + 2) : null;
        IdempotencyStore store = pool != null
                ? JdbcStore.builder().dataSource(pool).tablePrefix(location).build()
                : RedisStore.builder().uri(BenchEndpoints.redisUri()).keyPrefix(location).build();
        Idem idem = Idem.builder().store(store).node(node).build();
        DeferredWorker worker = DeferredWorker.builder(idem).threads(threads).batchSize(batchSize)
                .pollInterval(pollInterval).lease(LEASE).build();
        return new Runner() {
            @Override
            public void start() {
                worker.start();
            }

            @Override
            public void stop() {
                worker.close();
                idem.close();
                store.close();
                if (pool != null) {
                    pool.close();
                }
            }
        };
    }

    /**
     * db-scheduler's {@link Scheduler} with lock-and-fetch polling ({@code FOR UPDATE SKIP LOCKED}, the
     * executions picked in the same statement), at the fractions its documentation gives for high
     * throughput: fetch up to {@code batchSize} ({@code batchSize / threads} × threads) executions, fetch
     * again when {@code threads} or fewer are left.
     */
    private static Runner dbScheduler(String table, int threads, int batchSize, Duration pollInterval, String node) {
        HikariDataSource pool = BenchEndpoints.postgresPool(node, threads + 2);
        Scheduler scheduler = Scheduler.create(pool, DbSchedulerBacklog.NO_OP_TASK)
                .tableName(table)
                .threads(threads)
                .pollingInterval(pollInterval)
                .pollUsingLockAndFetch(1.0, (double) batchSize / threads)
                .schedulerName(new SchedulerName.Fixed(node))
                .build();
        return new Runner() {
            @Override
            public void start() {
                scheduler.start();
            }

            @Override
            public void stop() {
                scheduler.stop();
                pool.close();
            }
        };
    }
}
