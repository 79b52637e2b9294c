package dev.idem.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The arguments of {@link IdempotencyStore#complete(Completion)}. Immutable apart from the array.
 *
 * @param key the full key
 * @param token the fencing token the claim returned
 * @param result the encoded result (never null: a {@code null} result is encoded too)
 * @param ttl how long the result is replayed
 * @param elapsed how long the call took, for the audit
 * @param node the owner's node id
 */
public record Completion(String key, long token, byte[] result, Duration ttl, Duration elapsed, String node) {

    /** Validates. */
    public Completion {
        Keys.requireValid(key);
        Objects.requireNonNull(result, "result");
        IdempotencyStore.requireValueSize(result, "the result of key '" + key + "'");
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(node, "node");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
    }
}
