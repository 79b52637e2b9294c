package dev.idem;

import dev.idem.store.AuditEvent;
import dev.idem.store.ErrorInfo;
import dev.idem.store.RecordState;
import java.time.Duration;
import java.time.Instant;

/**
 * One transition the engine made, after the store accepted it: what a {@link TransitionListener} (such as
 * the Kafka processing log) receives. It mirrors the store's {@link dev.idem.store.AuditEntry} except that
 * the time is this node's clock and there is no sequence number. Immutable.
 *
 * @param key the full key
 * @param event the transition
 * @param state the record's state after it
 * @param attempt the attempt number
 * @param token the fencing token involved
 * @param node this node's id
 * @param at when it happened, by this node's clock
 * @param elapsed how long the call ran, for outcomes; else null
 * @param error the failure, for failure outcomes; else null
 * @param fingerprint the call's fingerprint, or null
 * @param detail the step name for {@link AuditEvent#STEP_SAVED}; else null
 */
public record Transition(
        String key,
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
