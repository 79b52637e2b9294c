package dev.idem.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The arguments of {@link IdempotencyStore#claim(ClaimRequest)}. Immutable.
 *
 * @param key the full key, already normalised by {@code Keys} (at most {@link Keys#MAX_LENGTH} chars)
 * @param fingerprint the hash of the call's arguments, or {@code null} when the method does not check
 * @param lease how long the claim is valid, counted from the store's clock
 * @param node the claiming node's id, recorded as owner and in the audit
 * @param originalKey the key before it was hashed, when it was too long or not printable; else null
 */
public record ClaimRequest(String key, String fingerprint, Duration lease, String node, String originalKey) {

    /** Validates. */
    public ClaimRequest {
        Keys.requireValid(key);
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(node, "node");
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("lease must be positive: " + lease);
        }
        if (originalKey != null && (originalKey.length() > Keys.MAX_ORIGINAL_LENGTH || !Keys.displayable(originalKey).equals(originalKey))) {
            throw new IllegalArgumentException("originalKey must have at most " + Keys.MAX_ORIGINAL_LENGTH
                    + " characters and no control characters; Keys.of prepares it");
        }
    }
}
