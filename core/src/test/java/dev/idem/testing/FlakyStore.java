package dev.idem.testing;

import dev.idem.annotation.IdempotencyStoreUnavailableException;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A seam for engine tests: passes every operation to a real store, except while {@link #down(boolean)}
 * is on, when each throws {@link IdempotencyStoreUnavailableException} as a store client does when its
 * server is unreachable. Counts round trips. Outages of the real servers are tested in their stores'
 * own tests.
 */
public final class FlakyStore implements IdempotencyStore {

    private final IdempotencyStore delegate;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean loseNextAnswer = new AtomicBoolean();
    private final AtomicInteger roundTrips = new AtomicInteger();

    public FlakyStore(IdempotencyStore delegate) {
        this.delegate = delegate;
    }

    /** Turns the outage on or off. */
    public void down(boolean isDown) {
        down.set(isDown);
    }

    /**
     * Makes the next write reach the store and be applied, then fail as if the connection dropped before
     * the answer came back.
     */
    public void loseNextAnswer() {
        loseNextAnswer.set(true);
    }

    private <T> T answered(T answer) {
        if (loseNextAnswer.compareAndSet(true, false)) {
            throw new IdempotencyStoreUnavailableException(null, "connection reset after the write (test)", null);
        }
        return answer;
    }

    /** How many operations reached (or tried to reach) the store. */
    public int roundTrips() {
        return roundTrips.get();
    }

    private void check() {
        roundTrips.incrementAndGet();
        if (down.get()) {
            throw new IdempotencyStoreUnavailableException(null, "connection refused (test outage)", null);
        }
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        check();
        return delegate.claim(request);
    }

    @Override
    public boolean complete(Completion completion) {
        check();
        return answered(delegate.complete(completion));
    }

    @Override
    public boolean fail(Failure failure) {
        check();
        return answered(delegate.fail(failure));
    }

    @Override
    public boolean renew(String key, long token, Duration lease) {
        check();
        return delegate.renew(key, token, lease);
    }

    @Override
    public boolean saveStep(StepWrite write) {
        check();
        return answered(delegate.saveStep(write));
    }

    @Override
    public List<DueJob> claimDue(int limit, Duration lease, String node) {
        check();
        return delegate.claimDue(limit, lease, node);
    }

    @Override
    public Optional<IdempotencyRecord> find(String key) {
        check();
        return delegate.find(key);
    }

    @Override
    public List<AuditEntry> history(String key) {
        check();
        return delegate.history(key);
    }

    @Override
    public List<IdempotencyRecord> list(RecordQuery query) {
        check();
        return delegate.list(query);
    }

    @Override
    public Map<RecordState, Long> countByState() {
        check();
        return delegate.countByState();
    }

    @Override
    public OperatorResult requeue(String key, String node) {
        check();
        return delegate.requeue(key, node);
    }

    @Override
    public OperatorResult cancel(String key, Duration retention, String node) {
        check();
        return delegate.cancel(key, retention, node);
    }

    @Override
    public int purgeExpired(int limit) {
        check();
        return delegate.purgeExpired(limit);
    }
}
