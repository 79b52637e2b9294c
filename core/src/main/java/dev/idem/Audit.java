package dev.idem;

import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.Keys;
import dev.idem.store.OperatorResult;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What operators read and do, from code: a key's record and history, records by state and time,
 * counts, and requeue, cancel and purge. Keys are full keys ({@code namespace:key}) unless a method
 * takes the namespace and key apart. Thread-safe.
 */
public final class Audit {

    /** How long a cancelled record and its history are kept by {@link #cancel(String)}. */
    public static final Duration DEFAULT_CANCEL_RETENTION = Duration.ofDays(7);

    private static final int PURGE_BATCH = 1000;

    private final IdempotencyStore store;
    private final String node;
    private final Idem idem;

    Audit(IdempotencyStore store, String node, Idem idem) {
        this.store = store;
        this.node = node;
        this.idem = idem;
    }

    /** The full key of {@code key} in {@code namespace}, hashed as the engine hashes it when it is long. */
    public static String fullKey(String namespace, String key) {
        return Keys.of(namespace, key).full();
    }

    /** The record of a full key. */
    public Optional<IdempotencyRecord> find(String fullKey) {
        return store.find(fullKey);
    }

    /** The record of {@code key} in {@code namespace}. */
    public Optional<IdempotencyRecord> find(String namespace, String key) {
        return store.find(fullKey(namespace, key));
    }

    /** Every transition of a full key, oldest first. */
    public List<AuditEntry> history(String fullKey) {
        return store.history(fullKey);
    }

    /** Every transition of {@code key} in {@code namespace}, oldest first. */
    public List<AuditEntry> history(String namespace, String key) {
        return store.history(fullKey(namespace, key));
    }

    /** Records by state, time and namespace, most recently changed first. */
    public List<IdempotencyRecord> list(RecordQuery query) {
        return store.list(query);
    }

    /** How many records are in each state. */
    public Map<RecordState, Long> countByState() {
        return store.countByState();
    }

    /** Makes a dead or scheduled job due now with a fresh attempt count. */
    public OperatorResult requeue(String fullKey) {
        OperatorResult result = store.requeue(fullKey, node);
        if (result == OperatorResult.DONE) {
            idem.transitioned(fullKey, AuditEvent.REQUEUED, RecordState.SCHEDULED, 0, 0, null, null, null, null);
        }
        return result;
    }

    /** Cancels a dead or scheduled job; its record is kept for {@link #DEFAULT_CANCEL_RETENTION}. */
    public OperatorResult cancel(String fullKey) {
        return cancel(fullKey, DEFAULT_CANCEL_RETENTION);
    }

    /** Cancels a dead or scheduled job; its record is kept for {@code retention}. */
    public OperatorResult cancel(String fullKey, Duration retention) {
        OperatorResult result = store.cancel(fullKey, retention, node);
        if (result == OperatorResult.DONE) {
            idem.transitioned(fullKey, AuditEvent.CANCELLED, RecordState.RELEASED, 0, 0, null, null, null, null);
        }
        return result;
    }

    /** Removes every expired record now, in batches; returns how many. */
    public long purgeExpired() {
        long total = 0;
        int removed;
        do {
            removed = store.purgeExpired(PURGE_BATCH);
            total += removed;
        } while (removed == PURGE_BATCH);
        return total;
    }
}
