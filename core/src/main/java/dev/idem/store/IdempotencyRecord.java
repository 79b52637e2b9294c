package dev.idem.store;

import java.time.Instant;
import java.util.Map;

/**
 * A snapshot of the one record a key has, as operators see it. Immutable apart from the arrays; times
 * are the store's.
 *
 * @param key the full key
 * @param originalKey the key before hashing, or {@code null} when it was not hashed
 * @param state the state
 * @param fingerprint the arguments' hash, or {@code null}
 * @param token the current fencing token
 * @param attempt claims since creation or the last requeue
 * @param owner the node of the last claim
 * @param createdAt when the record was created
 * @param updatedAt when it last changed
 * @param leaseUntil the end of the lease ({@code IN_PROGRESS}), else null
 * @param nextAttemptAt when a deferred attempt is due ({@code SCHEDULED}), else null
 * @param expiresAt when the record is removed ({@code COMPLETED}, {@code FAILED}, {@code RELEASED}), else null
 * @param result the encoded result ({@code COMPLETED}), else null
 * @param error the last failure, or null
 * @param steps the saved steps by name
 * @param invocation the encoded invocation of a deferred job, or null
 */
public record IdempotencyRecord(
        String key,
        String originalKey,
        RecordState state,
        String fingerprint,
        long token,
        int attempt,
        String owner,
        Instant createdAt,
        Instant updatedAt,
        Instant leaseUntil,
        Instant nextAttemptAt,
        Instant expiresAt,
        byte[] result,
        ErrorInfo error,
        Map<String, byte[]> steps,
        byte[] invocation) {

    /** Copies the steps. */
    public IdempotencyRecord {
        steps = Map.copyOf(steps);
    }
}
