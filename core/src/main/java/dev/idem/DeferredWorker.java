package dev.idem;

import dev.idem.store.AuditEvent;
import dev.idem.store.DueJob;
import dev.idem.store.ErrorInfo;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.store.RecordState;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs deferred calls when they are due: polls the store for due jobs (claimed cluster-safely, so workers
 * on every node share the work and never run one job twice at once), finds the method and its target
 * again, and re-invokes it under the job's claim with {@link IdempotentMethod#resume}, which records the
 * outcome: completed, scheduled again with the method's deferral backoff, or dead after its last attempt.
 * A job whose class, method or target cannot be found, or whose arguments no longer decode, goes
 * {@code DEAD} with the reason; the other jobs go on. Leases of running jobs are renewed like any call's.
 *
 * <p>A worker holds at most {@code threads + batchSize} claimed jobs, each on a thread of its own, of
 * which at most {@code threads} run their method at once: a job takes a turn before an attempt and gives it
 * back when the attempt's method returns, so that recording outcomes (grouped by the store when several
 * are written at once) and backing off between attempts do not hold up the next job. It claims again as
 * soon as there is room for {@code min(threads, batchSize)} jobs or half a batch, whichever is more, up
 * to {@code batchSize} at a time, so a backlog drains at the speed of its threads in few store round
 * trips; it pauses {@code pollInterval} only after a poll that found nothing due. A job that waited for
 * its turn longer than a third of its lease has the lease renewed before it runs, and is skipped if the
 * lease was lost meanwhile, so a job never runs on a claim that another worker may have taken over.
 *
 * <p>Create one with {@link #builder(Idem)}, {@link #start()} it, and {@link #close()} it on shutdown:
 * polling stops, running jobs get {@code shutdownTimeout} to finish, and jobs claimed but not started are
 * handed back (due at once) for another worker. {@link #runDue()} runs one poll synchronously. Thread-safe.
 */
public final class DeferredWorker implements AutoCloseable {

    private static final System.Logger LOG = IdemLogging.logger(DeferredWorker.class.getName());
    private static final String JOB_FAILURE = "dev.idem.DeferredJobFailure";

    private final Idem idem;
    private final Targets targets;
    private final Function<Method, IdempotentMethod> registrar;
    private final int threads;
    private final int batchSize;
    private final Duration pollInterval;
    private final Duration lease;
    private final Duration shutdownTimeout;
    private final Object lock = new Object();
    private final Map<String, Method> methods = new ConcurrentHashMap<>();
    private final Semaphore room;
    private final Semaphore bodies;
    private final int refill;
    private ThreadPoolExecutor executor;
    private Thread poller;
    private volatile boolean running;

    private DeferredWorker(Builder builder) {
        this.idem = builder.idem;
        this.targets = builder.targets;
        this.registrar = builder.registrar;
        this.threads = builder.threads;
        this.batchSize = builder.batchSize;
        this.pollInterval = builder.pollInterval;
        this.lease = builder.lease;
        this.shutdownTimeout = builder.shutdownTimeout;
        this.room = new Semaphore(threads + batchSize);
        this.bodies = new Semaphore(threads, true);
        this.refill = Math.max(Math.min(threads, batchSize), (batchSize + 1) / 2);
    }

    /** A builder for a worker of {@code idem}. */
    public static Builder builder(Idem idem) {
        return new Builder(idem);
    }

    /** Starts polling on a thread of its own, and running jobs, at most {@code threads} at once. */
    public void start() {
        synchronized (lock) {
            if (running) {
                return;
            }
            running = true;
            executor = new ThreadPoolExecutor(threads + batchSize, threads + batchSize, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), runnable -> daemon(runnable, "idem-worker"));
            poller = daemon(this::poll, "idem-worker-poller");
            poller.start();
        }
    }

    /**
     * Claims up to {@code batchSize} due jobs and runs them on the calling thread.
     *
     * @return how many jobs it ran
     */
    public int runDue() {
        List<DueJob> jobs = idem.store().claimDue(batchSize, lease, idem.node());
        for (DueJob job : jobs) {
            run(job, new Turn(null));
        }
        return jobs.size();
    }

    /** Stops polling, lets running jobs finish for {@code shutdownTimeout}, hands back jobs not started. */
    @Override
    public void close() {
        ThreadPoolExecutor pool;
        synchronized (lock) {
            if (!running) {
                return;
            }
            running = false;
            pool = executor;
            poller.interrupt();
        }
        List<Runnable> notStarted = new ArrayList<>();
        pool.getQueue().drainTo(notStarted);
        for (Runnable task : notStarted) {
            handBack(((JobTask) task).job);
            room.release();
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.log(Level.WARNING, "deferred jobs still running after {0} ms; their leases will run out and "
                        + "another worker will take them over", shutdownTimeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void poll() {
        while (running) {
            int wanted;
            try {
                wanted = takeRoom();
            } catch (InterruptedException stopping) {
                return;
            }
            int claimed = 0;
            try {
                List<DueJob> jobs = idem.store().claimDue(wanted, lease, idem.node());
                claimed = jobs.size();
                for (DueJob job : jobs) {
                    submit(job);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "polling for due jobs failed; trying again", e);
            } finally {
                room.release(wanted - claimed);
            }
            if (claimed == 0) {
                try {
                    Thread.sleep(pollInterval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Waits until {@link #refill} more jobs fit, then takes room for up to a batch; returns how many. */
    private int takeRoom() throws InterruptedException {
        int taken = refill;
        room.acquire(taken);
        while (taken < batchSize && room.tryAcquire()) {
            taken++;
        }
        return taken;
    }

    private void submit(DueJob job) {
        try {
            executor.execute(new JobTask(job));
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            room.release();
            handBack(job);
        }
    }

    /** A claimed job waiting for a thread; handed back when the worker stops first. */
    private final class JobTask implements Runnable {
        final DueJob job;
        final long claimedAt = System.nanoTime();

        JobTask(DueJob job) {
            this.job = job;
        }

        @Override
        public void run() {
            Turn turn = new Turn(bodies);
            try {
                turn.take();
                if (!running) {
                    handBack(job);
                } else if (stillOurs()) {
                    DeferredWorker.this.run(job, turn);
                }
            } catch (InterruptedException stopping) {
                handBack(job);
                Thread.currentThread().interrupt();
            } finally {
                turn.give();
                room.release();
            }
        }

        private boolean stillOurs() {
            if (System.nanoTime() - claimedAt < lease.toNanos() / 3) {
                return true;
            }
            try {
                if (idem.store().renew(job.key(), job.token(), lease)) {
                    return true;
                }
                LOG.log(Level.WARNING, "deferred job ''{0}'' waited for a thread until its lease was lost; another "
                        + "worker runs it", job.key());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not renew the lease of deferred job '" + job.key() + "' before running "
                        + "it; its lease will run out and another worker will take it over", e);
            }
            return false;
        }
    }

    private void run(DueJob job, Turn turn) {
        long start = System.nanoTime();
        Invocation invocation;
        try {
            invocation = Invocation.parse(job.invocation());
        } catch (IllegalArgumentException e) {
            dead(job, start, e.getMessage());
            return;
        }
        Method method;
        IdempotentMethod registered;
        Object[] args;
        Object target;
        try {
            method = methods.computeIfAbsent(invocation.identity, identity -> invocation.method(targets));
            registered = registrar.apply(method);
            args = idem.codec().decodeArguments(invocation.arguments, method.getGenericParameterTypes());
            target = Modifier.isStatic(method.getModifiers()) ? null : targets.target(method);
        } catch (RuntimeException e) {
            dead(job, start, "the deferred call of " + invocation.identity + " cannot be run again: " + e.getMessage());
            return;
        }
        if (target == null && !Modifier.isStatic(method.getModifiers())) {
            dead(job, start, "no target to run " + invocation.identity + " on: register an instance with the worker's "
                    + "targets, or give its class a no-argument constructor");
            return;
        }
        try {
            method.trySetAccessible();
            registered.resume(job, args, () -> {
                turn.takeUninterruptibly();
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw Throwables.<Exception>sneaky(e.getCause());
                } finally {
                    turn.give();
                }
            });
        } catch (Throwable outcome) {
            LOG.log(Level.DEBUG, "deferred job {0} ended with {1}", job.key(), outcome);
        }
    }

    /**
     * A job's turn to run its body, one of {@code threads}: taken before the job starts, given back when an
     * attempt's body returns, so that writing the outcome, and backing off between attempts, do not keep
     * other jobs from running; taken again by a later attempt. Without turns ({@link #runDue}) it is a no-op.
     * Used by one thread.
     */
    private static final class Turn {
        private final Semaphore turns;
        private boolean held;

        Turn(Semaphore turns) {
            this.turns = turns;
        }

        void take() throws InterruptedException {
            if (turns != null && !held) {
                turns.acquire();
                held = true;
            }
        }

        void takeUninterruptibly() {
            if (turns != null && !held) {
                turns.acquireUninterruptibly();
                held = true;
            }
        }

        void give() {
            if (held) {
                turns.release();
                held = false;
            }
        }
    }

    private void dead(DueJob job, long start, String reason) {
        ErrorInfo error = new ErrorInfo(JOB_FAILURE, reason);
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        LOG.log(Level.ERROR, "deferred job ''{0}'' is dead: {1}", job.key(), reason);
        try {
            if (idem.store().fail(new Failure(job.key(), job.token(), new FailureOutcome.Dead(), error, elapsed, idem.node()))) {
                idem.transitioned(job.key(), AuditEvent.DEAD, RecordState.DEAD, job.attempt(), job.token(), elapsed, error,
                        job.fingerprint(), null);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not mark job '" + job.key() + "' dead; its lease will run out", e);
        }
    }

    private void handBack(DueJob job) {
        try {
            idem.store().fail(new Failure(job.key(), job.token(), new FailureOutcome.Schedule(Duration.ZERO, null),
                    new ErrorInfo(JOB_FAILURE, "handed back by a worker that is shutting down"), Duration.ZERO, idem.node()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not hand back job '" + job.key() + "'; its lease will run out", e);
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Finds the classes and the objects deferred calls run on again. Implementations must be thread-safe. */
    public interface Targets {

        /** The class named in a stored invocation; throws {@link ClassNotFoundException} when it is unknown. */
        Class<?> loadClass(String name) throws ClassNotFoundException;

        /** The object to call {@code method} on, or {@code null} when there is none. */
        Object target(Method method);

        /**
         * Targets from registered instances, else a new instance made with the class's no-argument
         * constructor (once per class); classes are loaded by the thread's context class loader, then by
         * the given loaders.
         */
        static Targets of(List<Object> instances, ClassLoader... loaders) {
            return new RegisteredTargets(instances, List.of(loaders));
        }
    }

    /** A stored invocation: the method's identity line, then the encoded arguments. */
    private static final class Invocation {
        final String identity;
        final byte[] arguments;

        private Invocation(String identity, byte[] arguments) {
            this.identity = identity;
            this.arguments = arguments;
        }

        static Invocation parse(byte[] bytes) {
            if (bytes == null) {
                throw new IllegalArgumentException("the job has no stored invocation");
            }
            int newline = -1;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    newline = i;
                    break;
                }
            }
            if (newline <= 0) {
                throw new IllegalArgumentException("the stored invocation has no method line");
            }
            return new Invocation(new String(bytes, 0, newline, StandardCharsets.UTF_8),
                    Arrays.copyOfRange(bytes, newline + 1, bytes.length));
        }

        /** The method named by {@code com.x.Billing#charge(com.x.Invoice,int)}. */
        Method method(Targets targets) {
            int hash = identity.indexOf('#');
            int open = identity.indexOf('(', hash);
            if (hash <= 0 || open < 0 || !identity.endsWith(")")) {
                throw new IllegalArgumentException("the stored method '" + identity + "' is not Class#method(types)");
            }
            String className = identity.substring(0, hash);
            Class<?> type;
            try {
                type = targets.loadClass(className);
            } catch (ClassNotFoundException e) {
                throw new IllegalArgumentException("class " + className + " cannot be found", e);
            }
            String name = identity.substring(hash + 1, open);
            String parameters = identity.substring(open + 1, identity.length() - 1);
            List<String> parameterNames = parameters.isEmpty() ? List.of() : List.of(parameters.split(","));
            for (Class<?> owner = type; owner != null; owner = owner.getSuperclass()) {
                for (Method method : owner.getDeclaredMethods()) {
                    if (method.getName().equals(name) && parameterNames.equals(typeNames(method))) {
                        return method;
                    }
                }
            }
            throw new IllegalArgumentException("method " + identity + " no longer exists");
        }

        private static List<String> typeNames(Method method) {
            List<String> names = new ArrayList<>();
            for (Class<?> parameter : method.getParameterTypes()) {
                names.add(parameter.getName());
            }
            return names;
        }
    }

    /** Builds a {@link DeferredWorker}; not thread-safe. */
    public static final class Builder {
        private final Idem idem;
        private Targets targets = Targets.of(List.of());
        private Function<Method, IdempotentMethod> registrar;
        private int threads = 2;
        private int batchSize = 10;
        private Duration pollInterval = Duration.ofSeconds(1);
        private Duration lease = Duration.ofMinutes(1);
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        private Builder(Idem idem) {
            this.idem = Objects.requireNonNull(idem, "idem");
            this.registrar = idem::method;
        }

        /** How classes and target objects are found again. Default: no-argument constructors. */
        public Builder targets(Targets targets) {
            this.targets = Objects.requireNonNull(targets, "targets");
            return this;
        }

        /** How a method is registered; weavers pass theirs (for methods made idempotent by configuration). */
        public Builder registrar(Function<Method, IdempotentMethod> registrar) {
            this.registrar = Objects.requireNonNull(registrar, "registrar");
            return this;
        }

        /** Jobs whose method runs at once. Default 2. */
        public Builder threads(int threads) {
            this.threads = positive(threads, "threads");
            return this;
        }

        /** Jobs claimed per poll, at most. Default 10. */
        public Builder batchSize(int batchSize) {
            this.batchSize = positive(batchSize, "batchSize");
            return this;
        }

        /** The pause between polls that found nothing due. Default 1 s. */
        public Builder pollInterval(Duration pollInterval) {
            Durations.requirePositive(pollInterval, "pollInterval");
            this.pollInterval = pollInterval;
            return this;
        }

        /** The lease of a claimed job until its call renews it. Default 1 minute. */
        public Builder lease(Duration lease) {
            Durations.requirePositive(lease, "lease");
            this.lease = lease;
            return this;
        }

        /** How long {@link #close()} waits for running jobs. Default 30 s. */
        public Builder shutdownTimeout(Duration shutdownTimeout) {
            Durations.requireNotNegative(shutdownTimeout, "shutdownTimeout");
            this.shutdownTimeout = shutdownTimeout;
            return this;
        }

        /** The worker, not started. */
        public DeferredWorker build() {
            return new DeferredWorker(this);
        }

        private static int positive(int value, String name) {
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be at least 1: " + value);
            }
            return value;
        }
    }
}
