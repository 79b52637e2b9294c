package dev.idem.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs an operation from N threads for a fixed time and reports throughput and latency percentiles; the
 * engine of the store load benchmarks. Each call gets a key no other call used, so every operation is a
 * first call. Not thread-safe: one measurement at a time.
 */
final class LoadHarness {

    /** One operation under load, given a fresh key. */
    @FunctionalInterface
    interface Operation {
        void run(String key) throws Exception;
    }

    /**
     * The outcome of one measurement.
     *
     * @param operations completed operations
     * @param opsPerSecond throughput
     * @param p50Micros median latency
     * @param p99Micros 99th percentile latency
     */
    record Result(long operations, double opsPerSecond, double p50Micros, double p99Micros) {
    }

    private static final AtomicLong KEYS = new AtomicLong();

    private LoadHarness() {
    }

    /** Warms up for {@code warmupMillis}, then measures for {@code millis} with {@code threads} callers. */
    static Result measure(String prefix, int threads, long warmupMillis, long millis, Operation operation)
            throws InterruptedException {
        run(prefix, threads, warmupMillis, operation);
        return run(prefix, threads, millis, operation);
    }

    private static Result run(String prefix, int threads, long millis, Operation operation) throws InterruptedException {
        List<long[]> latencies = new ArrayList<>();
        long[] counts = new long[threads];
        Throwable[] failure = new Throwable[1];
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(threads);
        long[] deadline = new long[1];
        for (int t = 0; t < threads; t++) {
            long[] mine = new long[1 << 20];
            latencies.add(mine);
            int index = t;
            Thread thread = new Thread(() -> {
                try {
                    start.await();
                    long end = deadline[0];
                    int n = 0;
                    while (System.nanoTime() < end) {
                        String key = prefix + KEYS.incrementAndGet();
                        long begin = System.nanoTime();
                        operation.run(key);
                        if (n < mine.length) {
                            mine[n] = System.nanoTime() - begin;
                        }
                        n++;
                    }
                    counts[index] = n;
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
        double seconds = (System.nanoTime() - begin) / 1e9;
        if (failure[0] != null) {
            throw new IllegalStateException("an operation failed", failure[0]);
        }
        long total = Arrays.stream(counts).sum();
        long[] all = new long[(int) Math.min(total, (long) threads << 20)];
        int filled = 0;
        for (int t = 0; t < threads; t++) {
            int n = (int) Math.min(counts[t], latencies.get(t).length);
            System.arraycopy(latencies.get(t), 0, all, filled, n);
            filled += n;
        }
        Arrays.sort(all, 0, filled);
        return new Result(total, total / seconds, percentile(all, filled, 0.50) / 1e3, percentile(all, filled, 0.99) / 1e3);
    }

    private static long percentile(long[] sorted, int size, double p) {
        return size == 0 ? 0 : sorted[Math.min(size - 1, (int) Math.ceil(p * size) - 1)];
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
