package dev.idem.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs a task on many threads released at the same moment, for races: waits for every thread, at most two
 * minutes each, and throws what a thread threw. Stateless and thread-safe.
 */
public final class Together {

    /** What each thread runs, given its number from 0. */
    @FunctionalInterface
    public interface Task {
        void run(int thread) throws Exception;
    }

    private Together() {
    }

    /** Runs {@code task} on {@code threads} threads at once and returns when all have finished. */
    public static void run(int threads, Task task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                running.add(pool.submit(() -> {
                    start.await();
                    task.run(thread);
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> each : running) {
                each.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
