package dev.idem;

import java.time.Duration;

/**
 * Waits between retries and while polling for a running duplicate. Inject one that records or advances
 * a test clock to test delays without sleeping. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {

    /** Blocks the calling thread for {@code duration}. */
    void sleep(Duration duration) throws InterruptedException;

    /** The real thing: {@link Thread#sleep(long, int)}. */
    static Sleeper system() {
        return duration -> {
            long nanos = duration.toNanos();
            if (nanos > 0) {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        };
    }
}
