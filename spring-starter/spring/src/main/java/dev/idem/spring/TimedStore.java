package dev.idem.spring;

import dev.idem.store.AuditEntry;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.DueJob;
import dev.idem.store.Failure;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.OperatorResult;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import dev.idem.store.StepWrite;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** A store whose every operation is timed by {@link IdemMetrics}. Thread-safe if the store is. */
final class TimedStore implements IdempotencyStore {

    private final IdempotencyStore store;
    private final IdemMetrics metrics;

    TimedStore(IdempotencyStore store, IdemMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    private <T> T timed(String operation, Supplier<T> call) {
        long start = System.nanoTime();
        boolean success = false;
        try {
            T result = call.get();
            success = true;
            return result;
        } finally {
            metrics.storeTimer(operation, success).record(Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        return timed("claim", () -> store.claim(request));
    }

    @Override
    public boolean complete(Completion completion) {
        return timed("complete", () -> store.complete(completion));
    }

    @Override
    public boolean fail(Failure failure) {
        return timed("fail", () -> store.fail(failure));
    }

    @Override
    public boolean renew(String key, long token, Duration lease) {
        return timed("renew", () -> store.renew(key, token, lease));
    }

    @Override
    public boolean saveStep(StepWrite write) {
        return timed("save_step", () -> store.saveStep(write));
    }

    @Override
    public List<DueJob> claimDue(int limit, Duration lease, String node) {
        return timed("claim_due", () -> store.claimDue(limit, lease, node));
    }

    @Override
    public Optional<IdempotencyRecord> find(String key) {
        return timed("find", () -> store.find(key));
    }

    @Override
    public List<AuditEntry> history(String key) {
        return timed("history", () -> store.history(key));
    }

    @Override
    public List<IdempotencyRecord> list(RecordQuery query) {
        return timed("list", () -> store.list(query));
    }

    @Override
    public Map<RecordState, Long> countByState() {
        return timed("count_by_state", store::countByState);
    }

    @Override
    public OperatorResult requeue(String key, String node) {
        return timed("requeue", () -> store.requeue(key, node));
    }

    @Override
    public OperatorResult cancel(String key, Duration retention, String node) {
        return timed("cancel", () -> store.cancel(key, retention, node));
    }

    @Override
    public int purgeExpired(int limit) {
        return timed("purge_expired", () -> store.purgeExpired(limit));
    }

    @Override
    public void close() {
        store.close();
    }

    @Override
    public String toString() {
        return store.toString();
    }
}
