package dev.idem.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs operations from N threads and reports throughput and latency percentiles; the engine of the store
 * load benchmarks. Each call gets a key no other call used, so every operation is a first call.
 *
 * <p>Contenders are measured in short rounds that take turns, the one that goes first rotating from round
 * to round, so that what drifts during a run (the JIT still compiling, the server's data growing, a noisy
 * neighbour) weighs on all of them alike; a contender's result sums its rounds. On two cores the JIT needs
 * tens of seconds of load before the client's code is compiled: {@link #warmUp} runs all contenders for
 * that long before anything is measured. Not thread-safe: one measurement at a time.
 */
final class LoadHarness {

    /** One operation under load, given a fresh key. */
    @FunctionalInterface
    interface Operation {
        void run(String key) throws Exception;
    }

    /**
     * One of the operations compared.
     *
     * @param keyPrefix prefix of the keys its calls get, different for each contender
     * @param operation the operation
     */
    record Contender(String keyPrefix, Operation operation) {
    }

    /**
     * How long each contender runs in a measurement.
     *
     * @param warmUpRounds rounds run and not counted, at the start of each measurement
     * @param rounds rounds counted
     * @param roundMillis length of one round of one contender
     */
    record Schedule(int warmUpRounds, int rounds, long roundMillis) {

        /** {@code seconds} counted per contender, in rounds of one second, after one round not counted. */
        static Schedule ofSeconds(long seconds) {
            return new Schedule(1, (int) Math.max(1, seconds), 1000);
        }
    }

    /**
     * The outcome of one contender's measurement.
     *
     * @param operations completed operations
     * @param opsPerSecond throughput
     * @param p50Micros median latency
     * @param p99Micros 99th percentile latency
     */
    record Result(long operations, double opsPerSecond, double p50Micros, double p99Micros) {
    }

    /** The JIT's warm-up on this machine: load for this long before anything is measured. */
    static final long WARM_UP_MILLIS = 24_000;
    private static final int WARM_UP_THREADS = 16;
    private static final int LATENCIES_PER_THREAD = 1 << 18;
    private static final AtomicLong KEYS = new AtomicLong();

    private LoadHarness() {
    }

    /** Runs the contenders in turns from 16 threads for {@link #WARM_UP_MILLIS} in all, counting nothing. */
    static void warmUp(List<Contender> contenders) throws InterruptedException {
        long round = 2_000;
        int rounds = (int) Math.max(1, WARM_UP_MILLIS / (round * contenders.size()));
        measure(WARM_UP_THREADS, new Schedule(rounds, 0, round), contenders);
    }

    /** Measures the contenders from {@code threads} threads in turns; one result per contender, in order. */
    static List<Result> measure(int threads, Schedule schedule, List<Contender> contenders) throws InterruptedException {
        List<Tally> tallies = new ArrayList<>();
        for (int i = 0; i < contenders.size(); i++) {
            tallies.add(new Tally(threads));
        }
        for (int round = 0; round < schedule.warmUpRounds() + schedule.rounds(); round++) {
            boolean counted = round >= schedule.warmUpRounds();
            for (int turn = 0; turn < contenders.size(); turn++) {
                int index = (round + turn) % contenders.size();
                Tally tally = counted ? tallies.get(index) : new Tally(threads, 0);
                run(contenders.get(index), threads, schedule.roundMillis(), tally);
            }
        }
        return tallies.stream().map(Tally::result).toList();
    }

    private static void run(Contender contender, int threads, long millis, Tally tally) throws InterruptedException {
        Throwable[] failure = new Throwable[1];
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        long[] deadline = new long[1];
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    long end = deadline[0];
                    long[] latencies = tally.latencies[index];
                    int recorded = tally.recorded[index];
                    long operations = 0;
                    while (System.nanoTime() < end) {
                        String key = contender.keyPrefix() + KEYS.incrementAndGet();
                        long begin = System.nanoTime();
                        contender.operation().run(key);
                        if (recorded < latencies.length) {
                            latencies[recorded++] = System.nanoTime() - begin;
                        }
                        operations++;
                    }
                    tally.recorded[index] = recorded;
                    tally.operations[index] += operations;
                } catch (Throwable e) {
                    synchronized (failure) {
                        failure[0] = e;
                    }
                } finally {
                    done.countDown();
                }
            }, "load-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        long begin = System.nanoTime();
        deadline[0] = begin + millis * 1_000_000;
        start.countDown();
        done.await();
        tally.nanos += System.nanoTime() - begin;
        if (failure[0] != null) {
            throw new IllegalStateException("an operation failed", failure[0]);
        }
    }

    /** What one contender's threads did over the counted rounds; each thread writes only its own slots. */
    private static final class Tally {

        final long[][] latencies;
        final int[] recorded;
        final long[] operations;
        long nanos;

        Tally(int threads) {
            this(threads, LATENCIES_PER_THREAD);
        }

        Tally(int threads, int latenciesPerThread) {
            latencies = new long[threads][latenciesPerThread];
            recorded = new int[threads];
            operations = new long[threads];
        }

        Result result() {
            long total = Arrays.stream(operations).sum();
            long[] all = new long[Arrays.stream(recorded).sum()];
            int filled = 0;
            for (int t = 0; t < latencies.length; t++) {
                System.arraycopy(latencies[t], 0, all, filled, recorded[t]);
                filled += recorded[t];
            }
            Arrays.sort(all);
            return new Result(total, nanos == 0 ? 0 : total / (nanos / 1e9), percentile(all, 0.50) / 1e3,
                    percentile(all, 0.99) / 1e3);
        }

        private static long percentile(long[] sorted, double p) {
            return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
        }
    }

    /** One table row: the store, the callers, Idem's result, the baseline's and their ratio. */
    static String row(String store, int threads, Result idem, Result baseline) {
        return String.format(Locale.ROOT, "| %s | %d | %,.0f | %.0f | %.0f | %,.0f | %.0f | %.0f | %.2f |", store, threads,
                idem.opsPerSecond(), idem.p50Micros(), idem.p99Micros(), baseline.opsPerSecond(), baseline.p50Micros(),
                baseline.p99Micros(), idem.opsPerSecond() / baseline.opsPerSecond());
    }

    static String header() {
        return header("Idem");
    }

    /** The table's header, {@code measured} naming what is set against the baseline. */
    static String header(String measured) {
        return String.format(Locale.ROOT, "| store | callers | %1$s ops/s | %1$s p50 µs | %1$s p99 µs | baseline ops/s "
                + "| baseline p50 µs | baseline p99 µs | ratio |%n|---|---:|---:|---:|---:|---:|---:|---:|---:|", measured);
    }
}
