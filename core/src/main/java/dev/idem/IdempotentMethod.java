package dev.idem;

import dev.idem.annotation.ThrowingSupplier;
import dev.idem.store.DueJob;
import java.lang.reflect.Method;

/**
 * A method registered with {@link Idem#method(Method)}: its key strategy and policies, compiled once.
 * Weavers call {@link #begin} at each call and drive the returned {@link MethodCall}, or wrap the body
 * with {@link #invoke}. Immutable and thread-safe.
 */
public final class IdempotentMethod {

    private static final ThreadLocal<Resumption> RESUMING = new ThreadLocal<>();

    private final Method method;
    private final MethodKeys keys;
    private final Guard guard;

    IdempotentMethod(Method method, MethodKeys keys, Guard guard) {
        this.method = method;
        this.keys = keys;
        this.guard = guard;
    }

    /**
     * Starts a call: resolves the key and fingerprint and claims the key (idempotent methods), or just
     * starts counting attempts (retry only).
     *
     * @throws dev.idem.annotation.IdempotencyException the documented exceptions: key missing, in
     *     progress, key mismatch, store unavailable, deferred, dead, a stored result that cannot be read
     */
    public MethodCall begin(Object target, Object[] args) {
        Resumption resumption = RESUMING.get();
        if (resumption != null && resumption.method == this && !resumption.entered) {
            resumption.entered = true;
            return MethodCall.passThrough(guard);
        }
        if (keys == null) {
            return guard.unguarded(args);
        }
        return guard.begin(keys.key(target, args), keys.fingerprint(args), args);
    }

    /**
     * Runs a deferred call that a worker claimed: under the job's claim (its token, attempt and saved
     * steps), with this method's retries, recording the outcome as any call does (completed, scheduled
     * again, or dead). {@code body} calls the method; when that call is intercepted by a weaver (a
     * woven method, a Spring proxy), the interception sees the resumption and lets the body through once
     * per attempt instead of claiming the key again.
     *
     * @return the result
     * @throws Throwable the call's failure, as a first call would get it
     */
    public Object resume(DueJob job, Object[] args, ThrowingSupplier<?, ?> body) throws Throwable {
        MethodCall call = guard.resume(job, args);
        Resumption resumption = new Resumption(this);
        Resumption enclosing = RESUMING.get();
        RESUMING.set(resumption);
        try {
            return call.run(() -> {
                resumption.entered = false;
                return body.get();
            });
        } finally {
            if (enclosing == null) {
                RESUMING.remove();
            } else {
                RESUMING.set(enclosing);
            }
        }
    }

    /**
     * Runs a whole call: {@code body} runs the original method once per attempt.
     *
     * @return the result, fresh or replayed
     * @throws Throwable the body's failure, a replayed failure, or an Idem exception
     */
    public Object invoke(Object target, Object[] args, ThrowingSupplier<?, ?> body) throws Throwable {
        return begin(target, args).run(body);
    }

    /** The method. */
    public Method method() {
        return method;
    }

    /** Its idempotency policy, or {@code null} when it only retries. */
    public IdempotencyPolicy idempotency() {
        return keys == null ? null : guard.policy;
    }

    /** Its retry policy, or {@code null} when it does not retry. */
    public RetryPolicy retry() {
        return guard.retry == null ? null : guard.retry.policy();
    }

    /** The namespace of its keys, or {@code null} when it only retries and does not defer. */
    public String namespace() {
        return guard.namespace;
    }

    @Override
    public String toString() {
        return "IdempotentMethod[" + guard.name + "]";
    }

    /** The resumed call running on this thread, and whether its body has entered the method yet. */
    private static final class Resumption {
        final IdempotentMethod method;
        boolean entered;

        Resumption(IdempotentMethod method) {
            this.method = method;
        }
    }
}
