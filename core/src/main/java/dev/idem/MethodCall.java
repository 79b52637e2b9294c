package dev.idem;

import dev.idem.annotation.IdempotencyDeadException;
import dev.idem.annotation.IdempotencyDeferredException;
import dev.idem.annotation.IdempotencyLeaseLostException;
import dev.idem.annotation.IdempotencySerializationException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.annotation.Steps;
import dev.idem.annotation.ThrowingSupplier;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.ErrorInfo;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.Keys;
import dev.idem.store.RecordState;
import dev.idem.store.StepWrite;
import java.lang.System.Logger.Level;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * One call of an idempotent or retryable method, as the weavers drive it:
 *
 * <pre>{@code
 * MethodCall call = method.begin(target, args);      // claims, or throws in progress / mismatch / ...
 * if (call.proceed()) {
 *     Object returned; Throwable thrown;
 *     do { ...run the body once... } while (call.afterAttempt(returned, thrown));
 * }
 * return call.result();                                // the result, the replay, or throws
 * }</pre>
 *
 * While it proceeds, the call owns its key (its lease is renewed in the background) and is bound to the
 * thread as the recorder of {@link Steps}. The outcome is recorded when the last attempt ends. Not
 * thread-safe: a call belongs to the thread that began it.
 */
public final class MethodCall implements Steps.Recorder {

    private static final System.Logger LOG = IdemLogging.logger(MethodCall.class.getName());
    private static final int STORE_WRITE_ATTEMPTS = 3;
    private static final Duration STORE_WRITE_PAUSE = Duration.ofMillis(50);
    private static final Duration JOB_CREATION_LEASE = Duration.ofMinutes(1);
    private static final Map<RecordState, AuditEvent> EVENTS = Map.of(RecordState.RELEASED, AuditEvent.RELEASED,
            RecordState.FAILED, AuditEvent.FAILED, RecordState.SCHEDULED, AuditEvent.SCHEDULED, RecordState.DEAD,
            AuditEvent.DEAD);

    private final Guard guard;
    private final Object[] args;
    private final String key;
    private final long token;
    private final int attempt;
    private final String fingerprint;
    private Map<String, byte[]> steps;
    private final boolean recording;
    private final boolean retrying;
    private final long startNanos = System.nanoTime();
    private final Steps.Recorder enclosing;
    private final long retryStart;
    private volatile long renewAtNanos;
    private volatile boolean leaseLost;
    private boolean done;
    private int attemptsMade;
    private Object result;
    private Throwable failure;

    private MethodCall(Guard guard, Object[] args, String key, String fingerprint, ClaimResult.Claimed claimed,
            boolean recording, boolean retrying) {
        this.guard = guard;
        this.args = args;
        this.key = key;
        this.fingerprint = fingerprint;
        this.retrying = retrying;
        this.token = claimed == null ? 0 : claimed.token();
        this.attempt = claimed == null ? 1 : claimed.attempt();
        this.steps = claimed == null || claimed.steps().isEmpty() ? null : new HashMap<>(claimed.steps());
        this.recording = recording;
        this.retryStart = guard.retry == null || !retrying ? 0 : guard.retry.start();
        if (claimed != null) {
            renewed(startNanos);
            if (guard.idem.renewsLeases()) {
                guard.idem.leaseKeeper().hold(this);
            }
            this.enclosing = Steps.bind(this);
        } else {
            this.enclosing = null;
        }
    }

    private MethodCall(Guard guard, Object result, Throwable failure) {
        this.guard = guard;
        this.args = null;
        this.key = null;
        this.fingerprint = null;
        this.token = 0;
        this.attempt = 0;
        this.steps = null;
        this.recording = false;
        this.retrying = false;
        this.retryStart = 0;
        this.enclosing = null;
        this.done = true;
        this.result = result;
        this.failure = failure;
    }

    static MethodCall owned(Guard guard, Object[] args, String key, String fingerprint, ClaimResult.Claimed claimed) {
        MethodCall call = new MethodCall(guard, args, key, fingerprint, claimed, true, true);
        guard.idem.transitioned(key, claimed.event(), RecordState.IN_PROGRESS, claimed.attempt(), claimed.token(), null,
                null, fingerprint, null);
        return call;
    }

    static MethodCall unguarded(Guard guard, Object[] args) {
        return new MethodCall(guard, args, null, null, null, true, true);
    }

    static MethodCall failOpen(Guard guard, Object[] args) {
        return new MethodCall(guard, args, null, null, null, false, true);
    }

    /** A call that runs the body once and hands its outcome back: the inside of a resumed deferred call. */
    static MethodCall passThrough(Guard guard) {
        return new MethodCall(guard, null, null, null, null, false, false);
    }

    static MethodCall replaying(Guard guard, Object result) {
        return new MethodCall(guard, result, null);
    }

    static MethodCall replayingFailure(Guard guard, Throwable failure) {
        return new MethodCall(guard, null, failure);
    }

    /** Whether the body must run: {@code false} when the call replays a stored outcome. */
    public boolean proceed() {
        return !done;
    }

    /**
     * Reports how one run of the body ended.
     *
     * @param returned what the body returned ({@code null} when it threw)
     * @param thrown what the body threw, or {@code null}
     * @return {@code true} when the body must run again (the backoff has already been waited);
     *     {@code false} when the call is over and {@link #result()} has its outcome
     */
    public boolean afterAttempt(Object returned, Throwable thrown) {
        if (done) {
            throw new IllegalStateException("the call is already over");
        }
        attemptsMade++;
        if (thrown != null && retrying && guard.retry != null && !leaseLost
                && guard.retry.awaitRetry(thrown, attemptsMade, retryStart)) {
            return true;
        }
        done = true;
        try {
            if (key != null) {
                record(returned, thrown);
            } else if (thrown != null && recording && retrying && guard.defers() && guard.retry.defers(thrown)) {
                failure = deferWithoutKey(thrown);
            } else {
                result = returned;
                failure = thrown;
            }
        } finally {
            if (key != null) {
                guard.idem.leaseKeeper().release(this);
                Steps.restore(enclosing);
            }
        }
        return false;
    }

    /**
     * The outcome: the body's (or the replayed) result, or throws the body's failure, the replayed
     * failure, or the documented Idem exception.
     */
    public Object result() throws Throwable {
        if (!done) {
            throw new IllegalStateException("the call is not over: report each attempt with afterAttempt first");
        }
        if (failure != null) {
            throw failure;
        }
        return result;
    }

    /** Runs the body until {@link #afterAttempt} says the call is over; returns its result or throws. */
    Object run(ThrowingSupplier<?, ?> body) throws Throwable {
        if (proceed()) {
            boolean again;
            do {
                Object returned = null;
                Throwable thrown = null;
                try {
                    returned = body.get();
                } catch (Throwable t) {
                    thrown = t;
                }
                again = afterAttempt(returned, thrown);
            } while (again);
        }
        return result();
    }

    @Override
    public <T, E extends Exception> T step(String name, Type type, ThrowingSupplier<T, E> body) throws E {
        byte[] saved = steps == null ? null : steps.get(name);
        if (saved != null) {
            try {
                @SuppressWarnings("unchecked")
                T value = (T) guard.idem.codec().decode(saved, type);
                return value;
            } catch (IllegalArgumentException e) {
                throw new IdempotencySerializationException(key, guard.name + ": the saved step '" + name + "' of key '"
                        + key + "' cannot be read as " + type.getTypeName() + ": " + e.getMessage(), e);
            }
        }
        if (leaseLost) {
            throw leaseLostException("step '" + name + "' was not run");
        }
        T value = body.get();
        byte[] encoded;
        try {
            encoded = guard.idem.codec().encode(value, type);
        } catch (IllegalArgumentException e) {
            throw new IdempotencySerializationException(key, guard.name + ": the value of step '" + name + "' of key '"
                    + key + "' cannot be saved: " + e.getMessage(), e);
        }
        if (!write(() -> guard.idem.store().saveStep(new StepWrite(key, token, name, encoded, guard.idem.node())),
                record -> record.state() == RecordState.IN_PROGRESS && record.steps().containsKey(name))) {
            throw leaseLostException("step '" + name + "' ran but was not saved");
        }
        if (steps == null) {
            steps = new HashMap<>();
        }
        steps.put(name, encoded);
        guard.idem.transitioned(key, AuditEvent.STEP_SAVED, RecordState.IN_PROGRESS, attempt, token, null, null,
                fingerprint, name);
        return value;
    }

    private void record(Object returned, Throwable thrown) {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        try {
            if (thrown == null) {
                complete(returned, elapsed);
            } else if (thrown instanceof IdempotencyLeaseLostException || leaseLost) {
                failure = thrown;
            } else {
                fail(thrown, elapsed);
            }
        } catch (RuntimeException storeFailure) {
            if (thrown != null) {
                storeFailure.addSuppressed(thrown);
            }
            failure = storeFailure;
        }
    }

    private void complete(Object returned, Duration elapsed) {
        byte[] encoded;
        try {
            encoded = guard.idem.codec().encode(returned, guard.resultType);
        } catch (IllegalArgumentException e) {
            IdempotencySerializationException unstorable = new IdempotencySerializationException(key, guard.name
                    + ": the result of key '" + key + "' cannot be stored: " + e.getMessage() + ". The call ran; this "
                    + "failure is remembered so that it does not run again", e);
            writeOutcome(new FailureOutcome.Remember(guard.policy.ttl()), unstorable, elapsed);
            failure = unstorable;
            return;
        }
        try {
            if (write(() -> guard.idem.store().complete(new Completion(key, token, encoded, guard.policy.ttl(), elapsed,
                    guard.idem.node())), record -> record.state() == RecordState.COMPLETED)) {
                result = returned;
                guard.idem.transitioned(key, AuditEvent.COMPLETED, RecordState.COMPLETED, attempt, token, elapsed, null,
                        fingerprint, null);
            } else {
                failure = leaseLostException("its result was not recorded; the new owner's outcome stands");
            }
        } catch (IdempotencyStoreUnavailableException e) {
            failure = e;
        }
    }

    private void fail(Throwable thrown, Duration elapsed) {
        FailureOutcome outcome;
        Duration deferDelay = null;
        if (guard.defers() && guard.retry.defers(thrown)) {
            if (attempt > guard.retry.policy().defer().maxAttempts()) {
                outcome = new FailureOutcome.Dead();
            } else {
                deferDelay = guard.retry.deferDelay(attempt);
                outcome = new FailureOutcome.Schedule(deferDelay, invocationOrNull(thrown));
            }
        } else if (guard.policy.remembers(thrown)) {
            outcome = new FailureOutcome.Remember(guard.policy.ttl());
        } else {
            outcome = new FailureOutcome.Release(guard.policy.ttl());
        }
        if (!writeOutcome(outcome, thrown, elapsed)) {
            failure = failure == null ? thrown : failure;
            return;
        }
        if (outcome instanceof FailureOutcome.Schedule) {
            failure = deferred(key, deferDelay, thrown);
        } else if (outcome instanceof FailureOutcome.Dead) {
            failure = new IdempotencyDeadException(key, thrown.getClass().getName(),
                    ErrorInfo.of(thrown).message(), guard.name + ": the call with key '" + key + "' failed its last of "
                    + attempt + " attempts and is dead; an operator can requeue or cancel it", thrown);
        } else {
            failure = thrown;
        }
    }

    private boolean writeOutcome(FailureOutcome outcome, Throwable thrown, Duration elapsed) {
        try {
            RecordState target = outcome instanceof FailureOutcome.Release ? RecordState.RELEASED
                    : outcome instanceof FailureOutcome.Remember ? RecordState.FAILED
                    : outcome instanceof FailureOutcome.Schedule ? RecordState.SCHEDULED : RecordState.DEAD;
            ErrorInfo error = ErrorInfo.of(thrown);
            boolean written = write(() -> guard.idem.store().fail(new Failure(key, token, outcome, error, elapsed,
                    guard.idem.node())), record -> record.state() == target);
            if (written) {
                guard.idem.transitioned(key, EVENTS.get(target), target, attempt, token, elapsed, error, fingerprint, null);
            } else {
                LOG.log(Level.WARNING, "{0}: the failure of key ''{1}'' was not recorded because another owner took "
                        + "the key over", guard.name, key);
            }
            return written;
        } catch (IdempotencyStoreUnavailableException e) {
            e.addSuppressed(thrown);
            failure = e;
            return false;
        }
    }

    private Throwable deferWithoutKey(Throwable thrown) {
        Keys.StoreKey job = Keys.of(guard.namespace, UUID.randomUUID().toString());
        try {
            ClaimResult claimed = guard.idem.store().claim(new ClaimRequest(job.full(), null, JOB_CREATION_LEASE,
                    guard.idem.node(), null));
            long jobToken = ((ClaimResult.Claimed) claimed).token();
            guard.idem.transitioned(job.full(), AuditEvent.CLAIMED, RecordState.IN_PROGRESS, 1, jobToken, null, null, null,
                    null);
            Duration delay = guard.retry.deferDelay(1);
            byte[] invocation = invocationOrNull(thrown);
            ErrorInfo error = ErrorInfo.of(thrown);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
            if (invocation != null && guard.idem.store().fail(new Failure(job.full(), jobToken,
                    new FailureOutcome.Schedule(delay, invocation), error, elapsed, guard.idem.node()))) {
                guard.idem.transitioned(job.full(), AuditEvent.SCHEDULED, RecordState.SCHEDULED, 1, jobToken, elapsed,
                        error, null, null);
                return deferred(job.full(), delay, thrown);
            }
        } catch (RuntimeException e) {
            thrown.addSuppressed(e);
        }
        return thrown;
    }

    private byte[] invocationOrNull(Throwable thrown) {
        try {
            return guard.invocation(args);
        } catch (IllegalArgumentException e) {
            thrown.addSuppressed(new IdempotencySerializationException(key, guard.name
                    + ": the call cannot be deferred because its arguments cannot be stored: " + e.getMessage(), e));
            return null;
        }
    }

    private IdempotencyDeferredException deferred(String jobKey, Duration delay, Throwable cause) {
        return new IdempotencyDeferredException(jobKey, guard.idem.clock().instant().plus(delay), guard.name
                + ": the call with key '" + jobKey + "' failed (" + cause + ") and is deferred; a worker runs it again in "
                + delay.toMillis() + " ms", cause);
    }

    /**
     * Runs a fenced store write, trying again briefly while the store is unavailable. A write that is
     * refused after an earlier try failed may have been applied by that try (its answer lost on the way
     * back): the record is read, and the write counts as done when {@code applied} recognises it.
     */
    private boolean write(BooleanSupplier storeWrite, Predicate<IdempotencyRecord> applied) {
        IdempotencyStoreUnavailableException last = null;
        Duration pause = STORE_WRITE_PAUSE;
        for (int i = 1; ; i++) {
            try {
                boolean written = storeWrite.getAsBoolean();
                return written || (last != null && appliedBefore(applied));
            } catch (IdempotencyStoreUnavailableException e) {
                last = e;
            }
            if (i == STORE_WRITE_ATTEMPTS) {
                break;
            }
            try {
                guard.idem.sleeper().sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            pause = pause.multipliedBy(4);
        }
        throw new IdempotencyStoreUnavailableException(key, guard.name + ": the outcome of key '" + key + "' could not "
                + "be recorded because the store is unavailable; the key stays claimed until its lease ends, then the "
                + "next delivery runs it again", last);
    }

    private boolean appliedBefore(Predicate<IdempotencyRecord> applied) {
        try {
            return guard.idem.store().find(key).filter(record -> record.token() == token).filter(applied).isPresent();
        } catch (RuntimeException unreadable) {
            return false;
        }
    }

    private IdempotencyLeaseLostException leaseLostException(String what) {
        return new IdempotencyLeaseLostException(key, token, guard.name + ": this call lost key '" + key + "' (token "
                + token + ") to another owner after its lease ran out; " + what);
    }

    String key() {
        return key;
    }

    long token() {
        return token;
    }

    Duration lease() {
        return guard.policy.lease();
    }

    long renewAtNanos() {
        return renewAtNanos;
    }

    void renewed(long nowNanos) {
        renewAtNanos = nowNanos + guard.policy.lease().toNanos() / 3;
    }

    void leaseLost() {
        leaseLost = true;
    }
}
