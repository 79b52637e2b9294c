package dev.idem.demo;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The downstream ledger, flaky on purpose: each call takes about a millisecond, and a share of calls
 * fails with {@link LedgerUnavailableException} before anything is written, like a service behind a
 * restarting load balancer. It keeps every entry it posts, so the report can check that each event was
 * posted exactly once. Thread-safe.
 */
public final class Ledger {

    private static final long LATENCY_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Random random;
    private final double failureRate;
    private final AtomicLong lastNumber = new AtomicLong();
    private final ConcurrentLinkedQueue<LedgerEntry> entries = new ConcurrentLinkedQueue<>();

    /**
     * A ledger whose calls fail at random.
     *
     * @param random decides which calls fail (seeded, so a run can be repeated)
     * @param failureRate the share of calls that fail, from 0 to 1
     */
    public Ledger(Random random, double failureRate) {
        this.random = random;
        this.failureRate = failureRate;
    }

    /** Posts {@code amount} (in cents) for an event; returns the new entry. */
    public LedgerEntry post(String eventId, long amount) {
        LockSupport.parkNanos(LATENCY_NANOS);
        if (random.nextDouble() < failureRate) {
            throw new LedgerUnavailableException("ledger unavailable, posting " + eventId + " was not written");
        }
        LedgerEntry entry = new LedgerEntry(lastNumber.incrementAndGet(), eventId, amount);
        entries.add(entry);
        return entry;
    }

    /** Every entry posted so far. */
    public List<LedgerEntry> entries() {
        return List.copyOf(entries);
    }
}
