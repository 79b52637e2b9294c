package dev.idem.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A store that keeps records in this JVM's heap: for tests, for single-JVM applications that only need
 * to absorb duplicate deliveries while they run, and as the reference behaviour of the store contract.
 * Nothing survives a restart and nothing is shared between JVMs; use a JDBC or Redis store for that.
 *
 * <p>Thread-safe: each operation is atomic per key. Expired records are treated as absent at once and
 * removed by {@link #purgeExpired(int)}, which the engine calls periodically. Listing and counting scan
 * all records. Each key keeps its latest {@code maxHistoryPerKey} audit entries (default 100).
 */
public final class InMemoryStore implements IdempotencyStore {

    /** The number of audit entries kept per key by default. */
    public static final int DEFAULT_MAX_HISTORY_PER_KEY = 100;

    private final ConcurrentHashMap<String, Entry> records = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxHistoryPerKey;

    /** A store on the system clock. */
    public InMemoryStore() {
        this(Clock.systemUTC());
    }

    /** A store on {@code clock}, which decides leases and expiry (inject one to test them). */
    public InMemoryStore(Clock clock) {
        this(clock, DEFAULT_MAX_HISTORY_PER_KEY);
    }

    /** A store on {@code clock} keeping at most {@code maxHistoryPerKey} audit entries per key. */
    public InMemoryStore(Clock clock, int maxHistoryPerKey) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxHistoryPerKey < 1) {
            throw new IllegalArgumentException("maxHistoryPerKey must be at least 1: " + maxHistoryPerKey);
        }
        this.maxHistoryPerKey = maxHistoryPerKey;
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        Instant now = clock.instant();
        ClaimResult[] answer = new ClaimResult[1];
        records.compute(request.key(), (key, entry) -> {
            if (entry == null || entry.expiredAt(now)) {
                Entry fresh = new Entry(key, request.originalKey(), now, entry);
                fresh.fingerprint = request.fingerprint();
                fresh.token = entry == null ? 1 : entry.token + 1;
                fresh.attempt = 1;
                fresh.lease(request, now);
                fresh.audit(AuditEvent.CLAIMED, request.node(), now, null, null, null, maxHistoryPerKey);
                answer[0] = fresh.claimed(AuditEvent.CLAIMED);
                return fresh;
            }
            if (request.fingerprint() != null && entry.fingerprint != null
                    && !request.fingerprint().equals(entry.fingerprint)) {
                answer[0] = new ClaimResult.Mismatch();
                return entry;
            }
            switch (entry.state) {
                case IN_PROGRESS:
                    if (now.isBefore(entry.leaseUntil)) {
                        answer[0] = new ClaimResult.InProgress(entry.leaseUntil, entry.owner);
                        return entry;
                    }
                    answer[0] = entry.reclaim(request, now, AuditEvent.TAKEN_OVER, maxHistoryPerKey);
                    return entry;
                case RELEASED:
                    answer[0] = entry.reclaim(request, now, AuditEvent.CLAIMED, maxHistoryPerKey);
                    return entry;
                case SCHEDULED:
                    if (now.isBefore(entry.nextAttemptAt)) {
                        answer[0] = new ClaimResult.Scheduled(entry.nextAttemptAt);
                        return entry;
                    }
                    answer[0] = entry.reclaim(request, now, AuditEvent.RESUMED, maxHistoryPerKey);
                    return entry;
                case COMPLETED:
                    answer[0] = new ClaimResult.Completed(entry.result.clone());
                    return entry;
                case FAILED:
                    answer[0] = new ClaimResult.Failed(entry.error);
                    return entry;
                case DEAD:
                    answer[0] = new ClaimResult.Dead(entry.error, entry.attempt);
                    return entry;
                default:
                    throw new IllegalStateException("unknown state " + entry.state);
            }
        });
        return answer[0];
    }

    @Override
    public boolean complete(Completion completion) {
        byte[] result = completion.result().clone();
        return fenced(completion.key(), completion.token(), (entry, now) -> {
            entry.state = RecordState.COMPLETED;
            entry.result = result;
            entry.error = null;
            entry.steps.clear();
            entry.invocation = null;
            entry.leaseUntil = null;
            entry.nextAttemptAt = null;
            entry.expiresAt = now.plus(completion.ttl());
            entry.audit(AuditEvent.COMPLETED, completion.node(), now, completion.elapsed(), null, null,
                    maxHistoryPerKey);
        });
    }

    @Override
    public boolean fail(Failure failure) {
        FailureOutcome outcome = failure.outcome();
        byte[] invocation = outcome instanceof FailureOutcome.Schedule
                ? cloneOrNull(((FailureOutcome.Schedule) outcome).invocation()) : null;
        return fenced(failure.key(), failure.token(), (entry, now) -> {
            entry.error = failure.error();
            entry.leaseUntil = null;
            entry.nextAttemptAt = null;
            entry.expiresAt = null;
            AuditEvent event;
            if (outcome instanceof FailureOutcome.Release) {
                entry.state = RecordState.RELEASED;
                entry.expiresAt = now.plus(((FailureOutcome.Release) outcome).ttl());
                event = AuditEvent.RELEASED;
            } else if (outcome instanceof FailureOutcome.Remember) {
                entry.state = RecordState.FAILED;
                entry.expiresAt = now.plus(((FailureOutcome.Remember) outcome).ttl());
                entry.steps.clear();
                entry.invocation = null;
                event = AuditEvent.FAILED;
            } else if (outcome instanceof FailureOutcome.Schedule) {
                entry.state = RecordState.SCHEDULED;
                entry.nextAttemptAt = now.plus(((FailureOutcome.Schedule) outcome).delay());
                if (invocation != null) {
                    entry.invocation = invocation;
                }
                event = AuditEvent.SCHEDULED;
            } else {
                entry.state = RecordState.DEAD;
                event = AuditEvent.DEAD;
            }
            entry.audit(event, failure.node(), now, failure.elapsed(), failure.error(), null, maxHistoryPerKey);
        });
    }

    @Override
    public boolean renew(String key, long token, Duration lease) {
        Keys.requireValid(key);
        if (lease == null || lease.isZero() || lease.isNegative()) {
            throw new IllegalArgumentException("lease must be positive: " + lease);
        }
        return fenced(key, token, (entry, now) -> entry.leaseUntil = now.plus(lease));
    }

    @Override
    public boolean saveStep(StepWrite write) {
        byte[] value = write.value().clone();
        return fenced(write.key(), write.token(), (entry, now) -> {
            entry.steps.put(write.step(), value);
            entry.audit(AuditEvent.STEP_SAVED, write.node(), now, null, null, write.step(), maxHistoryPerKey);
        });
    }

    @Override
    public List<DueJob> claimDue(int limit, Duration lease, String node) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        Instant now = clock.instant();
        List<Map.Entry<String, Instant>> due = new ArrayList<>();
        for (Entry entry : records.values()) {
            Instant next = entry.nextAttemptAt;
            if (entry.state == RecordState.SCHEDULED && next != null && !now.isBefore(next)) {
                due.add(Map.entry(entry.key, next));
            }
        }
        due.sort(Map.Entry.comparingByValue());
        List<DueJob> jobs = new ArrayList<>();
        for (Map.Entry<String, Instant> candidate : due) {
            if (jobs.size() == limit) {
                break;
            }
            DueJob[] job = new DueJob[1];
            ClaimRequest claim = new ClaimRequest(candidate.getKey(), null, lease, node, null);
            records.computeIfPresent(candidate.getKey(), (key, entry) -> {
                if (entry.state == RecordState.SCHEDULED && !now.isBefore(entry.nextAttemptAt)) {
                    ClaimResult.Claimed claimed = entry.reclaim(claim, now, AuditEvent.RESUMED, maxHistoryPerKey);
                    job[0] = new DueJob(key, claimed.token(), claimed.attempt(), claimed.steps(),
                            cloneOrNull(entry.invocation), entry.fingerprint);
                }
                return entry;
            });
            if (job[0] != null) {
                jobs.add(job[0]);
            }
        }
        return jobs;
    }

    @Override
    public Optional<IdempotencyRecord> find(String key) {
        Keys.requireValid(key);
        return Optional.ofNullable(read(key, Entry::snapshot));
    }

    @Override
    public List<AuditEntry> history(String key) {
        Keys.requireValid(key);
        List<AuditEntry> history = read(key, entry -> List.copyOf(entry.history));
        return history == null ? List.of() : history;
    }

    @Override
    public List<IdempotencyRecord> list(RecordQuery query) {
        List<IdempotencyRecord> matches = new ArrayList<>();
        for (String key : records.keySet()) {
            IdempotencyRecord record = read(key, Entry::snapshot);
            if (record != null && matches(query, record)) {
                matches.add(record);
            }
        }
        matches.sort(Comparator.comparing(IdempotencyRecord::updatedAt).reversed()
                .thenComparing(IdempotencyRecord::key));
        return matches.size() > query.limit() ? List.copyOf(matches.subList(0, query.limit())) : matches;
    }

    @Override
    public Map<RecordState, Long> countByState() {
        Map<RecordState, Long> counts = new EnumMap<>(RecordState.class);
        for (String key : records.keySet()) {
            RecordState state = read(key, entry -> entry.state);
            if (state != null) {
                counts.merge(state, 1L, Long::sum);
            }
        }
        return counts;
    }

    @Override
    public OperatorResult requeue(String key, String node) {
        return operate(key, (entry, now) -> {
            entry.state = RecordState.SCHEDULED;
            entry.nextAttemptAt = now;
            entry.attempt = 0;
            entry.audit(AuditEvent.REQUEUED, node, now, null, null, null, maxHistoryPerKey);
        });
    }

    @Override
    public OperatorResult cancel(String key, Duration retention, String node) {
        Objects.requireNonNull(retention, "retention");
        return operate(key, (entry, now) -> {
            entry.state = RecordState.RELEASED;
            entry.nextAttemptAt = null;
            entry.expiresAt = now.plus(retention);
            entry.audit(AuditEvent.CANCELLED, node, now, null, null, null, maxHistoryPerKey);
        });
    }

    @Override
    public int purgeExpired(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        Instant now = clock.instant();
        int removed = 0;
        for (Map.Entry<String, Entry> record : records.entrySet()) {
            if (removed == limit) {
                break;
            }
            if (record.getValue().expiredAt(now) && records.remove(record.getKey(), record.getValue())) {
                removed++;
            }
        }
        return removed;
    }

    /** How many records the store holds, expired ones included until they are purged. */
    public int size() {
        return records.size();
    }

    @Override
    public String toString() {
        return "memory";
    }

    /** Reads an entry under the same lock as its transitions; null when the key has no record. */
    private <T> T read(String key, Function<Entry, T> reader) {
        Object[] value = new Object[1];
        records.computeIfPresent(key, (k, entry) -> {
            value[0] = reader.apply(entry);
            return entry;
        });
        @SuppressWarnings("unchecked")
        T result = (T) value[0];
        return result;
    }

    private boolean fenced(String key, long token, Transition transition) {
        Instant now = clock.instant();
        boolean[] applied = new boolean[1];
        records.computeIfPresent(key, (k, entry) -> {
            if (entry.state == RecordState.IN_PROGRESS && entry.token == token) {
                transition.apply(entry, now);
                entry.updatedAt = now;
                applied[0] = true;
            }
            return entry;
        });
        return applied[0];
    }

    private OperatorResult operate(String key, Transition transition) {
        Keys.requireValid(key);
        Objects.requireNonNull(transition);
        Instant now = clock.instant();
        OperatorResult[] result = {OperatorResult.NOT_FOUND};
        records.computeIfPresent(key, (k, entry) -> {
            if (entry.state == RecordState.DEAD || entry.state == RecordState.SCHEDULED) {
                transition.apply(entry, now);
                entry.updatedAt = now;
                result[0] = OperatorResult.DONE;
            } else {
                result[0] = OperatorResult.WRONG_STATE;
            }
            return entry;
        });
        return result[0];
    }

    private static boolean matches(RecordQuery query, IdempotencyRecord record) {
        return (query.state() == null || query.state() == record.state())
                && (query.from() == null || !record.updatedAt().isBefore(query.from()))
                && (query.to() == null || record.updatedAt().isBefore(query.to()))
                && (query.keyPrefix() == null || record.key().startsWith(query.keyPrefix()));
    }

    private static byte[] cloneOrNull(byte[] bytes) {
        return bytes == null ? null : bytes.clone();
    }

    @FunctionalInterface
    private interface Transition {
        void apply(Entry entry, Instant now);
    }

    /** A record; read and mutated only inside {@code compute} on its key. */
    private static final class Entry {
        final String key;
        final String originalKey;
        final Instant createdAt;
        final ArrayDeque<AuditEntry> history;
        long sequence;
        RecordState state;
        String fingerprint;
        long token;
        int attempt;
        String owner;
        Instant updatedAt;
        Instant leaseUntil;
        Instant nextAttemptAt;
        Instant expiresAt;
        byte[] result;
        ErrorInfo error;
        final Map<String, byte[]> steps = new LinkedHashMap<>();
        byte[] invocation;

        Entry(String key, String originalKey, Instant now, Entry previous) {
            this.key = key;
            this.originalKey = originalKey;
            this.createdAt = now;
            this.updatedAt = now;
            this.history = previous == null ? new ArrayDeque<>(4) : previous.history;
            this.sequence = previous == null ? 0 : previous.sequence;
        }

        boolean expiredAt(Instant now) {
            return state.expires() && !now.isBefore(expiresAt);
        }

        void lease(ClaimRequest request, Instant now) {
            state = RecordState.IN_PROGRESS;
            owner = request.node();
            leaseUntil = now.plus(request.lease());
            nextAttemptAt = null;
            expiresAt = null;
            updatedAt = now;
        }

        ClaimResult.Claimed reclaim(ClaimRequest request, Instant now, AuditEvent event, int maxHistory) {
            token++;
            attempt++;
            if (fingerprint == null) {
                fingerprint = request.fingerprint();
            }
            lease(request, now);
            audit(event, request.node(), now, null, null, null, maxHistory);
            return claimed(event);
        }

        ClaimResult.Claimed claimed(AuditEvent event) {
            return new ClaimResult.Claimed(token, attempt, copySteps(), event);
        }

        Map<String, byte[]> copySteps() {
            if (steps.isEmpty()) {
                return Map.of();
            }
            Map<String, byte[]> copy = new LinkedHashMap<>();
            steps.forEach((name, value) -> copy.put(name, value.clone()));
            return copy;
        }

        void audit(AuditEvent event, String node, Instant at, Duration elapsed, ErrorInfo failure,
                String detail, int maxHistory) {
            history.addLast(new AuditEntry(key, ++sequence, event, state, attempt, token, node, at, elapsed,
                    failure, fingerprint, detail));
            while (history.size() > maxHistory) {
                history.removeFirst();
            }
        }

        IdempotencyRecord snapshot() {
            return new IdempotencyRecord(key, originalKey, state, fingerprint, token, attempt, owner, createdAt,
                    updatedAt, leaseUntil, nextAttemptAt, expiresAt, cloneOrNull(result), error, copySteps(),
                    cloneOrNull(invocation));
        }
    }
}
