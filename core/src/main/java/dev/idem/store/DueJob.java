package dev.idem.store;

import java.util.Map;

/**
 * A deferred job that {@link IdempotencyStore#claimDue} claimed for a worker. Immutable apart from the
 * arrays.
 *
 * @param key the full key
 * @param token the fencing token of the worker's claim
 * @param attempt the attempt this claim starts
 * @param steps the saved steps, by name
 * @param invocation the encoded invocation to re-run
 * @param fingerprint the record's fingerprint, or {@code null}
 */
public record DueJob(String key, long token, int attempt, Map<String, byte[]> steps, byte[] invocation,
        String fingerprint) {

    /** Copies the steps. */
    public DueJob {
        steps = Map.copyOf(steps);
    }
}
