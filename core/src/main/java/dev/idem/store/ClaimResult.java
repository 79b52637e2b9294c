package dev.idem.store;

import java.time.Instant;
import java.util.Map;

/**
 * The answer of {@link IdempotencyStore#claim(ClaimRequest)}: exactly one of its nested records.
 * Byte arrays are owned by the receiver; records compare arrays by identity.
 */
public sealed interface ClaimResult {

    /**
     * The caller now owns the key.
     *
     * @param token the fencing token every later write of this caller must name
     * @param attempt how many times the record has been claimed since it was created or requeued
     * @param steps the steps saved by earlier owners, by name (empty for a new record)
     * @param event {@link AuditEvent#CLAIMED}, {@link AuditEvent#TAKEN_OVER} or {@link AuditEvent#RESUMED}
     */
    record Claimed(long token, int attempt, Map<String, byte[]> steps, AuditEvent event) implements ClaimResult {
        /** Copies the steps. */
        public Claimed {
            steps = Map.copyOf(steps);
        }
    }

    /**
     * The key's call completed: replay its result.
     *
     * @param result the encoded result
     */
    record Completed(byte[] result) implements ClaimResult {
    }

    /**
     * The key's call failed and the failure is remembered: replay it.
     *
     * @param error the remembered failure
     */
    record Failed(ErrorInfo error) implements ClaimResult {
    }

    /**
     * Another caller holds a live lease on the key.
     *
     * @param leaseUntil when that lease ends, by the store's clock
     * @param owner the holder's node id
     */
    record InProgress(Instant leaseUntil, String owner) implements ClaimResult {
    }

    /** The key is held by a record whose fingerprint differs from the request's. */
    record Mismatch() implements ClaimResult {
    }

    /**
     * The key's call is deferred and its next attempt is not yet due.
     *
     * @param nextAttemptAt when it is due, by the store's clock
     */
    record Scheduled(Instant nextAttemptAt) implements ClaimResult {
    }

    /**
     * The key's deferred attempts are exhausted; it waits for an operator.
     *
     * @param error the last failure, or {@code null}
     * @param attempt how many attempts were made
     */
    record Dead(ErrorInfo error, int attempt) implements ClaimResult {
    }
}
