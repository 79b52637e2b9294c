package dev.idem.store;

import java.time.Duration;
import java.time.Instant;

/**
 * One transition of one key, written by the store in the same atomic step as the transition. Immutable.
 *
 * @param key the full key
 * @param sequence the entry's position in the key's history, starting at 1
 * @param event the transition
 * @param state the record's state after it
 * @param attempt the record's attempt number
 * @param token the fencing token involved
 * @param node the node that caused it
 * @param at when it happened, by the store's clock
 * @param elapsed how long the call ran, for outcomes; else null
 * @param error the failure, for failure outcomes; else null
 * @param fingerprint the record's fingerprint, or null
 * @param detail the step name for {@link AuditEvent#STEP_SAVED}; else null
 */
public record AuditEntry(
        String key,
        long sequence,
        AuditEvent event,
        RecordState state,
        int attempt,
        long token,
        String node,
        Instant at,
        Duration elapsed,
        ErrorInfo error,
        String fingerprint,
        String detail) {
}
