package dev.idem;

import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket shared by all callers of one method: each call deposits {@code ratio} tokens, time
 * adds {@code minPerSecond} tokens a second, each retry takes one. The bucket holds at most ten
 * seconds' worth of the floor (and at least one token) and starts full. A call on the success path
 * only reads the balance when the bucket is full, so it does not contend. Thread-safe.
 */
final class RetryBudget {

    private static final long MILLI = 1000;

    private final long depositMillis;
    private final long refillMillisPerSecond;
    private final long capacityMillis;
    private final Clock clock;
    private final AtomicLong balanceMillis;
    private long lastRefillMillis;

    RetryBudget(double ratio, int minPerSecond, Clock clock) {
        this.depositMillis = Math.round(ratio * MILLI);
        this.refillMillisPerSecond = minPerSecond * MILLI;
        this.capacityMillis = Math.max(MILLI, 10L * minPerSecond * MILLI);
        this.clock = clock;
        this.balanceMillis = new AtomicLong(capacityMillis);
        this.lastRefillMillis = clock.millis();
    }

    /** Records a call. */
    void deposit() {
        if (depositMillis > 0) {
            add(depositMillis);
        }
    }

    /** Takes a token for a retry; {@code false} when the budget is spent. */
    synchronized boolean withdraw() {
        long now = clock.millis();
        long elapsed = now - lastRefillMillis;
        if (elapsed > 0) {
            lastRefillMillis = now;
            long secondsToFill = capacityMillis / Math.max(1, refillMillisPerSecond) + 1;
            add(Math.min(elapsed, secondsToFill * MILLI) * refillMillisPerSecond / MILLI);
        }
        while (true) {
            long balance = balanceMillis.get();
            if (balance < MILLI) {
                return false;
            }
            if (balanceMillis.compareAndSet(balance, balance - MILLI)) {
                return true;
            }
        }
    }

    private void add(long millis) {
        while (true) {
            long balance = balanceMillis.get();
            if (balance >= capacityMillis) {
                return;
            }
            if (balanceMillis.compareAndSet(balance, Math.min(capacityMillis, balance + millis))) {
                return;
            }
        }
    }
}
