package dev.idem.store;

import java.time.Duration;
import java.util.Objects;

/**
 * The arguments of {@link IdempotencyStore#fail(Failure)}. Immutable.
 *
 * @param key the full key
 * @param token the fencing token the claim returned
 * @param outcome what to do with the record
 * @param error the failure, kept on the record and in the audit
 * @param elapsed how long the call took, for the audit
 * @param node the owner's node id
 */
public record Failure(String key, long token, FailureOutcome outcome, ErrorInfo error, Duration elapsed, String node) {

    /** Validates. */
    public Failure {
        Keys.requireValid(key);
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(error, "error");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(node, "node");
    }
}
