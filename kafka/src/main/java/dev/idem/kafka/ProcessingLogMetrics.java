package dev.idem.kafka;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one {@link KafkaProcessingLog}, live: each getter reads the current value, so a
 * metrics library can bind them once (Micrometer: {@code FunctionCounter} for the counts,
 * {@code Gauge} for {@link #pending()}).
 *
 * <p>Every transition the log is given is either {@linkplain #queued() queued} or
 * {@linkplain #dropped() dropped}; every queued one ends {@linkplain #sent() sent} or
 * {@linkplain #failed() failed}, or is still {@linkplain #pending() pending}. So at any quiet moment
 * {@code queued = sent + failed + pending}, and nothing leaves the log without being counted.
 *
 * <p>Thread-safe; the counters only grow, except {@link #pending()}.
 */
public final class ProcessingLogMetrics {

    private final int capacity;
    private final AtomicLong pending = new AtomicLong();
    private final LongAdder queued = new LongAdder();
    private final LongAdder sent = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder sendErrors = new LongAdder();

    ProcessingLogMetrics(int capacity) {
        this.capacity = capacity;
    }

    /** Transitions accepted into the buffer. */
    public long queued() {
        return queued.sum();
    }

    /** Transitions the broker acknowledged (written to all in-sync replicas). */
    public long sent() {
        return sent.sum();
    }

    /** Transitions refused because the buffer was full, or because the log was closed; never sent. */
    public long dropped() {
        return dropped.sum();
    }

    /**
     * Queued transitions given up on: refused by the broker for good (too large, not authorised), or
     * still undelivered when {@link KafkaProcessingLog#close(java.time.Duration)} ran out of time.
     */
    public long failed() {
        return failed.sum();
    }

    /**
     * Times the producer would not take the next transition (broker unreachable for longer than
     * {@code max.block.ms}, topic missing); the transition stays first in the buffer and is tried again.
     */
    public long sendErrors() {
        return sendErrors.sum();
    }

    /** Transitions in the buffer now: queued, neither acknowledged nor failed yet. */
    public long pending() {
        return pending.get();
    }

    /** The most transitions the buffer holds; {@link #pending()} never exceeds it. */
    public int capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return "ProcessingLogMetrics[queued=" + queued() + ", sent=" + sent() + ", dropped=" + dropped() + ", failed="
                + failed() + ", sendErrors=" + sendErrors() + ", pending=" + pending() + "/" + capacity + "]";
    }

    /** Takes a place in the buffer, or returns {@code false} when it is full. */
    boolean tryQueue() {
        long now;
        do {
            now = pending.get();
            if (now >= capacity) {
                return false;
            }
        } while (!pending.compareAndSet(now, now + 1));
        queued.increment();
        return true;
    }

    void countDropped() {
        dropped.increment();
    }

    void countSent() {
        sent.increment();
        pending.decrementAndGet();
    }

    void countFailed(long count) {
        failed.add(count);
        pending.addAndGet(-count);
    }

    void countSendError() {
        sendErrors.increment();
    }
}
