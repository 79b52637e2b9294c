package dev.idem.spring.boot;

import dev.idem.Audit;
import dev.idem.store.AuditEntry;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.OperatorResult;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.lang.Nullable;

/**
 * The {@code idempotency} Actuator endpoint: operators' reads and actions on Idem's records.
 *
 * <ul>
 *   <li>{@code GET /actuator/idempotency?state=DEAD&from=...&to=...&namespace=...&limit=100}: the count of
 *       records in each state and the records that match, most recently changed first;</li>
 *   <li>{@code GET /actuator/idempotency/{key}}: one record and its history (every transition);</li>
 *   <li>{@code POST /actuator/idempotency/{key}} with {@code {"action": "requeue"}} or
 *       {@code {"action": "cancel"}}: requeues or cancels a dead or scheduled job.</li>
 * </ul>
 *
 * <p>Keys are full keys, {@code namespace:key}; write {@code #} as {@code %23} in a URL. Results, arguments
 * and saved step values are never shown, only their sizes and names. Thread-safe.
 */
@Endpoint(id = "idempotency")
public final class IdempotencyEndpoint {

    private static final int DEFAULT_LIMIT = 100;

    private final Audit audit;

    /** An endpoint over {@code audit}. */
    public IdempotencyEndpoint(Audit audit) {
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /** Counts by state, and the records matching the optional filters (ISO-8601 times). */
    @ReadOperation
    public Listing records(@Nullable String state, @Nullable String from, @Nullable String to,
            @Nullable String namespace, @Nullable Integer limit) {
        RecordQuery query;
        try {
            query = new RecordQuery(state == null ? null : RecordState.valueOf(state.trim().toUpperCase(Locale.ROOT)),
                    instant(from), instant(to), namespace == null || namespace.isBlank() ? null : namespace + ":",
                    limit == null ? DEFAULT_LIMIT : limit);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            throw new InvalidEndpointRequestException(e.getMessage() + "; state is one of "
                    + List.of(RecordState.values()) + ", from and to are ISO-8601 instants, limit is 1 to "
                    + RecordQuery.MAX_LIMIT, "bad query");
        }
        Map<String, Long> counts = new TreeMap<>();
        audit.countByState().forEach((recordState, count) -> counts.put(recordState.name(), count));
        List<RecordView> records = new ArrayList<>();
        for (IdempotencyRecord record : audit.list(query)) {
            records.add(RecordView.of(record));
        }
        return new Listing(counts, records);
    }

    /** One record and its history, or nothing (404) when the key has no record. */
    @ReadOperation
    public KeyReport key(@Selector(match = Selector.Match.ALL_REMAINING) String[] key) {
        String fullKey = String.join("/", key);
        return audit.find(fullKey).map(record -> {
            List<HistoryView> history = new ArrayList<>();
            for (AuditEntry entry : audit.history(fullKey)) {
                history.add(HistoryView.of(entry));
            }
            return new KeyReport(RecordView.of(record), history);
        }).orElse(null);
    }

    /** Requeues or cancels the dead or scheduled job of a key; {@code action} is {@code requeue} or {@code cancel}. */
    @WriteOperation
    public ActionResult act(@Selector(match = Selector.Match.ALL_REMAINING) String[] key, String action) {
        String fullKey = String.join("/", key);
        OperatorResult result = switch (action.trim().toLowerCase(Locale.ROOT)) {
            case "requeue" -> audit.requeue(fullKey);
            case "cancel" -> audit.cancel(fullKey);
            default -> throw new InvalidEndpointRequestException("action is '" + action + "'; use requeue or cancel",
                    "bad action");
        };
        return new ActionResult(fullKey, action.trim().toLowerCase(Locale.ROOT), result.name());
    }

    private static Instant instant(String text) {
        return text == null || text.isBlank() ? null : Instant.parse(text.trim());
    }

    /**
     * Counts and records.
     *
     * @param counts records per state
     * @param records the matching records
     */
    public record Listing(Map<String, Long> counts, List<RecordView> records) {
    }

    /**
     * A record and its history.
     *
     * @param record the record
     * @param history its transitions, oldest first
     */
    public record KeyReport(RecordView record, List<HistoryView> history) {
    }

    /**
     * The answer to an action.
     *
     * @param key the full key
     * @param action requeue or cancel
     * @param result {@code DONE}, {@code NOT_FOUND} or {@code WRONG_STATE}
     */
    public record ActionResult(String key, String action, String result) {
    }

    /**
     * A record as operators see it, times as ISO-8601 strings, without its payloads.
     *
     * @param key the full key
     * @param originalKey the key before hashing, when it was hashed
     * @param state the state
     * @param token the fencing token
     * @param attempt the attempt number
     * @param owner the node of the last claim
     * @param createdAt creation time
     * @param updatedAt last change
     * @param leaseUntil end of the lease, when in progress
     * @param nextAttemptAt when a deferred attempt is due
     * @param expiresAt when the record is purged
     * @param resultBytes size of the stored result, or null
     * @param error the last failure's type and message, or null
     * @param steps names of the saved steps
     * @param deferred whether it holds a deferred invocation
     */
    public record RecordView(String key, String originalKey, String state, long token, int attempt, String owner,
            String createdAt, String updatedAt, String leaseUntil, String nextAttemptAt, String expiresAt,
            Integer resultBytes, String error, List<String> steps, boolean deferred) {

        static RecordView of(IdempotencyRecord record) {
            return new RecordView(record.key(), record.originalKey(), record.state().name(), record.token(),
                    record.attempt(), record.owner(), text(record.createdAt()), text(record.updatedAt()),
                    text(record.leaseUntil()), text(record.nextAttemptAt()), text(record.expiresAt()),
                    record.result() == null ? null : record.result().length,
                    record.error() == null ? null : record.error().toString(),
                    List.copyOf(new java.util.TreeSet<>(record.steps().keySet())), record.invocation() != null);
        }
    }

    /**
     * One transition.
     *
     * @param sequence position in the history
     * @param event the transition
     * @param state the state after it
     * @param attempt the attempt number
     * @param token the fencing token
     * @param node the node that caused it
     * @param at when
     * @param elapsedMillis how long the call ran, for outcomes
     * @param error the failure, for failures
     * @param step the step name, for saved steps
     */
    public record HistoryView(long sequence, String event, String state, int attempt, long token, String node,
            String at, Long elapsedMillis, String error, String step) {

        static HistoryView of(AuditEntry entry) {
            return new HistoryView(entry.sequence(), entry.event().name(), entry.state().name(), entry.attempt(),
                    entry.token(), entry.node(), text(entry.at()),
                    entry.elapsed() == null ? null : entry.elapsed().toMillis(),
                    entry.error() == null ? null : entry.error().toString(), entry.detail());
        }
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
