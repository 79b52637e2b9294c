package dev.idem;

import dev.idem.annotation.IdempotencyDeadException;
import dev.idem.annotation.IdempotencyDeferredException;
import dev.idem.annotation.IdempotencyInProgressException;
import dev.idem.annotation.IdempotencyKeyMismatchException;
import dev.idem.annotation.IdempotencySerializationException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.annotation.InProgress;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.DueJob;
import dev.idem.store.Keys;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The compiled policies of one method or operation and the engine's services: starts each call by
 * claiming its key (waiting for a running duplicate when asked to) and answers replays. Immutable and
 * thread-safe; {@link MethodCall} carries the state of one call.
 */
final class Guard {

    private static final System.Logger LOG = IdemLogging.logger(Guard.class.getName());
    private static final Duration FIRST_POLL = Duration.ofMillis(2);
    private static final Duration LONGEST_POLL = Duration.ofMillis(200);
    private static final long FAIL_OPEN_LOG_INTERVAL_MILLIS = 10_000;

    final Idem idem;
    final String name;
    final IdempotencyPolicy policy;
    final String namespace;
    final Type resultType;
    final RetryExecutor retry;
    final FailureReplay failures;
    private final Method method;
    private final AtomicLong lastFailOpenLog = new AtomicLong(Long.MIN_VALUE / 2);

    Guard(Idem idem, String name, IdempotencyPolicy policy, String namespace, Type resultType, RetryExecutor retry,
            FailureReplay failures, Method method) {
        this.idem = idem;
        this.name = name;
        this.policy = policy;
        this.namespace = namespace;
        this.resultType = resultType;
        this.retry = retry;
        this.failures = failures;
        this.method = method;
    }

    /** A call with retries only: no key, no claim. */
    MethodCall unguarded(Object[] args) {
        return MethodCall.unguarded(this, args);
    }

    /**
     * Claims {@code key} and returns the call: one that proceeds (it owns the key) or one that replays.
     * Throws the documented exceptions for the other answers of the store.
     */
    MethodCall begin(String key, String fingerprint, Object[] args) {
        Keys.StoreKey storeKey = Keys.of(namespace, key);
        ClaimResult answer;
        try {
            answer = claim(new ClaimRequest(storeKey.full(), fingerprint, policy.lease(), idem.node(),
                    storeKey.original()));
        } catch (IdempotencyStoreUnavailableException e) {
            if (policy.failOpen()) {
                logFailOpen(storeKey.full(), e);
                return MethodCall.failOpen(this, args);
            }
            throw new IdempotencyStoreUnavailableException(storeKey.full(), name + ": the store is unavailable, so the call "
                    + "with key '" + storeKey.full() + "' was not run (fail closed); try again later", e);
        }
        String full = storeKey.full();
        if (answer instanceof ClaimResult.Claimed) {
            return MethodCall.owned(this, args, full, fingerprint, (ClaimResult.Claimed) answer);
        }
        if (answer instanceof ClaimResult.Completed) {
            return MethodCall.replaying(this, decodeResult(full, ((ClaimResult.Completed) answer).result()));
        }
        if (answer instanceof ClaimResult.Failed) {
            return MethodCall.replayingFailure(this, failures.rebuild(full, ((ClaimResult.Failed) answer).error()));
        }
        if (answer instanceof ClaimResult.InProgress) {
            ClaimResult.InProgress running = (ClaimResult.InProgress) answer;
            throw new IdempotencyInProgressException(full, running.leaseUntil(), name + ": the call with key '" + full
                    + "' is still running on " + running.owner() + (policy.onInProgress() == InProgress.WAIT
                    ? " after waiting " + policy.waitTimeout().toMillis() + " ms" : "")
                    + "; try again after " + running.leaseUntil());
        }
        if (answer instanceof ClaimResult.Mismatch) {
            throw new IdempotencyKeyMismatchException(full, name + ": the key '" + full + "' was already used with other "
                    + "arguments; use a new key for a new request");
        }
        if (answer instanceof ClaimResult.Scheduled) {
            ClaimResult.Scheduled scheduled = (ClaimResult.Scheduled) answer;
            throw new IdempotencyDeferredException(full, scheduled.nextAttemptAt(), name + ": the call with key '" + full
                    + "' is deferred; its next attempt is due at " + scheduled.nextAttemptAt(), null);
        }
        ClaimResult.Dead dead = (ClaimResult.Dead) answer;
        String errorType = dead.error() == null ? null : dead.error().type();
        String errorMessage = dead.error() == null ? null : dead.error().message();
        throw new IdempotencyDeadException(full, errorType, errorMessage, name + ": the call with key '" + full
                + "' is dead after " + dead.attempt() + " attempts (last failure: " + dead.error()
                + "); an operator can requeue or cancel it", null);
    }

    /** The call of a deferred job a worker claimed, owning the job's claim. */
    MethodCall resume(DueJob job, Object[] args) {
        return MethodCall.owned(this, args, job.key(), job.fingerprint(),
                new ClaimResult.Claimed(job.token(), job.attempt(), job.steps(), AuditEvent.RESUMED));
    }

    private ClaimResult claim(ClaimRequest request) {
        ClaimResult answer = idem.store().claim(request);
        if (!(answer instanceof ClaimResult.InProgress) || policy.onInProgress() == InProgress.REJECT
                || policy.waitTimeout().isZero()) {
            return answer;
        }
        long deadline = idem.clock().millis() + policy.waitTimeout().toMillis();
        Duration pause = FIRST_POLL;
        while (answer instanceof ClaimResult.InProgress) {
            long remaining = deadline - idem.clock().millis();
            if (remaining <= 0) {
                return answer;
            }
            try {
                idem.sleeper().sleep(remaining < pause.toMillis() ? Duration.ofMillis(remaining) : pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return answer;
            }
            pause = pause.multipliedBy(2).compareTo(LONGEST_POLL) > 0 ? LONGEST_POLL : pause.multipliedBy(2);
            answer = idem.store().claim(request);
        }
        return answer;
    }

    Object decodeResult(String key, byte[] bytes) {
        try {
            return idem.codec().decode(bytes, resultType);
        } catch (IllegalArgumentException e) {
            throw new IdempotencySerializationException(key, name + ": the stored result of key '" + key
                    + "' cannot be read as " + resultType.getTypeName() + " (" + e.getMessage() + "); the call is not run "
                    + "again. Purge the key to let it run, or make the type read the stored JSON", e);
        }
    }

    /** The encoded invocation a worker re-runs: the method's identity, a newline, the encoded arguments. */
    byte[] invocation(Object[] args) {
        byte[] identity = (Methods.identity(method) + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] arguments = idem.codec().encodeArguments(args, method.getGenericParameterTypes());
        byte[] invocation = new byte[identity.length + arguments.length];
        System.arraycopy(identity, 0, invocation, 0, identity.length);
        System.arraycopy(arguments, 0, invocation, identity.length, arguments.length);
        return invocation;
    }

    boolean defers() {
        return retry != null && retry.policy().defer() != null;
    }

    private void logFailOpen(String key, Exception cause) {
        long now = System.currentTimeMillis();
        long last = lastFailOpenLog.get();
        if (now - last >= FAIL_OPEN_LOG_INTERVAL_MILLIS && lastFailOpenLog.compareAndSet(last, now)) {
            LOG.log(Level.WARNING, name + ": the store is unavailable; running calls WITHOUT deduplication because "
                    + "the method is fail-open (key '" + key + "'; logged at most every 10 s)", cause);
        }
    }
}
