package dev.idem;

import dev.idem.annotation.IdempotencyKeyException;
import dev.idem.annotation.IdempotencySerializationException;
import dev.idem.annotation.ThrowingSupplier;
import java.util.List;

/**
 * Idempotency (and retries) for code without weaving, like a Failsafe executor: create it once with
 * {@link Idem#operation}, then {@code execute(key, payload, () -> work())} runs the work once per key
 * and replays its result to every later call with that key. Immutable and thread-safe.
 *
 * @param <T> the result type
 */
public final class IdempotentOperation<T> {

    private static final List<String> PAYLOAD = List.of("payload");

    private final Guard guard;

    IdempotentOperation(Guard guard) {
        this.guard = guard;
    }

    /**
     * Runs {@code work} once for {@code key}, or replays the outcome of the call that did.
     *
     * @param key the idempotency key, not blank
     * @param payload what the call is about, fingerprinted so that reusing the key for something else
     *     is refused; {@code null} to skip the check
     * @return the result, fresh or replayed
     * @throws E what the work throws (after retries), or a replay of it
     */
    public <E extends Exception> T execute(String key, Object payload, ThrowingSupplier<T, E> work) throws E {
        if (key == null || key.isBlank()) {
            throw new IdempotencyKeyException(guard.name + ": the idempotency key is missing", null);
        }
        String fingerprint = null;
        if (payload != null && guard.policy.fingerprint()) {
            try {
                fingerprint = Fingerprints.of(new Object[] {payload}, PAYLOAD);
            } catch (IllegalArgumentException e) {
                throw new IdempotencySerializationException(null, guard.name + ": " + e.getMessage(), e);
            }
        }
        try {
            @SuppressWarnings("unchecked")
            T result = (T) guard.begin(key, fingerprint, null).run(work);
            return result;
        } catch (Throwable failure) {
            throw Throwables.<RuntimeException>sneaky(failure);
        }
    }

    /** As {@link #execute(String, Object, ThrowingSupplier)} without a payload check. */
    public <E extends Exception> T execute(String key, ThrowingSupplier<T, E> work) throws E {
        return execute(key, null, work);
    }

    @Override
    public String toString() {
        return "IdempotentOperation[" + guard.name + "]";
    }
}
