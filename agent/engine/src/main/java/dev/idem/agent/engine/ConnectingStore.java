package dev.idem.agent.engine;

import dev.idem.IdemLogging;
import dev.idem.annotation.IdempotencyConfigurationException;
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
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A store that is opened when it can be: a store that is down when the agent starts is not a bad
 * setting, so until it answers every operation fails closed with
 * {@link IdempotencyStoreUnavailableException}, and it is opened by itself once it is back (tried again
 * at most once a second). A store that answers but refuses Idem (bad credentials, missing tables) fails
 * every operation with that configuration error, logged once. Thread-safe.
 */
final class ConnectingStore implements IdempotencyStore {

    private static final System.Logger LOG = IdemLogging.logger("dev.idem.agent");
    private static final long RETRY_MILLIS = 1000;

    private final String name;
    private final Supplier<IdempotencyStore> opener;
    private volatile IdempotencyStore store;
    private volatile RuntimeException refusal;
    private long lastAttempt = Long.MIN_VALUE / 2;
    private RuntimeException lastFailure;

    ConnectingStore(String name, Supplier<IdempotencyStore> opener) {
        this.name = name;
        this.opener = opener;
        try {
            store();
        } catch (IdempotencyStoreUnavailableException down) {
            LOG.log(Level.WARNING, "Idem agent: the store " + name + " does not answer yet; idempotent calls fail "
                    + "closed until it does: " + down.getMessage());
        } catch (IdempotencyConfigurationException refused) {
            LOG.log(Level.ERROR, "Idem agent: the store " + name + " refuses Idem; every idempotent call fails until "
                    + "this is fixed: " + refused.getMessage());
        }
    }

    private IdempotencyStore store() {
        IdempotencyStore open = store;
        if (open != null) {
            return open;
        }
        if (refusal != null) {
            throw refusal;
        }
        synchronized (this) {
            if (store != null) {
                return store;
            }
            long now = System.currentTimeMillis();
            if (now - lastAttempt < RETRY_MILLIS) {
                throw new IdempotencyStoreUnavailableException(null, "the store " + name + " does not answer: "
                        + lastFailure.getMessage(), lastFailure);
            }
            lastAttempt = now;
            try {
                store = opener.get();
                LOG.log(Level.INFO, "Idem agent: connected to the store {0}", name);
                return store;
            } catch (IdempotencyConfigurationException | IllegalArgumentException e) {
                refusal = e instanceof IdempotencyConfigurationException ? e
                        : new IdempotencyConfigurationException("the store " + name + " cannot be used: " + e.getMessage(), e);
                throw refusal;
            } catch (RuntimeException e) {
                lastFailure = e instanceof IdempotencyStoreUnavailableException ? e
                        : new IdempotencyStoreUnavailableException(null, "the store " + name + " cannot be opened: "
                                + e, e);
                throw lastFailure;
            }
        }
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        return inEngine(() -> store().claim(request));
    }

    @Override
    public boolean complete(Completion completion) {
        return inEngine(() -> store().complete(completion));
    }

    @Override
    public boolean fail(Failure failure) {
        return inEngine(() -> store().fail(failure));
    }

    @Override
    public boolean renew(String key, long token, Duration lease) {
        return inEngine(() -> store().renew(key, token, lease));
    }

    @Override
    public boolean saveStep(StepWrite write) {
        return inEngine(() -> store().saveStep(write));
    }

    @Override
    public List<DueJob> claimDue(int limit, Duration lease, String node) {
        return inEngine(() -> store().claimDue(limit, lease, node));
    }

    @Override
    public Optional<IdempotencyRecord> find(String key) {
        return inEngine(() -> store().find(key));
    }

    @Override
    public List<AuditEntry> history(String key) {
        return inEngine(() -> store().history(key));
    }

    @Override
    public List<IdempotencyRecord> list(RecordQuery query) {
        return inEngine(() -> store().list(query));
    }

    @Override
    public Map<RecordState, Long> countByState() {
        return inEngine(() -> store().countByState());
    }

    @Override
    public OperatorResult requeue(String key, String node) {
        return inEngine(() -> store().requeue(key, node));
    }

    @Override
    public OperatorResult cancel(String key, Duration retention, String node) {
        return inEngine(() -> store().cancel(key, retention, node));
    }

    @Override
    public int purgeExpired(int limit) {
        return inEngine(() -> store().purgeExpired(limit));
    }

    @Override
    public void close() {
        IdempotencyStore open = store;
        if (open != null) {
            open.close();
        }
    }

    private static <T> T inEngine(java.util.function.Supplier<T> call) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(ConnectingStore.class.getClassLoader());
        try {
            return call.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
