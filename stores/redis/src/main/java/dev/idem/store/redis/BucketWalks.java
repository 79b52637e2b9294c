package dev.idem.store.redis;

import dev.idem.IdemLogging;
import dev.idem.store.DueJob;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import io.lettuce.core.ScoredValue;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The operations that walk every bucket, since each bucket has its own indexes in its own slot: claiming
 * due jobs, listing, counting and purging. Commands to different buckets are sent together (pipelined)
 * and their replies merged; no script handles more than {@link #SCRIPT_BATCH} records, so that none
 * blocks Redis for long. Thread-safe.
 */
final class BucketWalks {

    private static final System.Logger LOG = IdemLogging.logger(BucketWalks.class.getName());
    private static final int SCRIPT_BATCH = 500;
    /** The most index entries one listing script scans before it returns to the client. */
    private static final int LIST_SCAN_BUDGET = 2_000;

    private final Calls calls;
    private final Layout layout;
    private final Scripts scripts;
    private final byte[] maxHistory;
    private final AtomicInteger nextPurgeBucket = new AtomicInteger();

    BucketWalks(Calls calls, Layout layout, Scripts scripts, byte[] maxHistory) {
        this.calls = calls;
        this.layout = layout;
        this.scripts = scripts;
        this.maxHistory = maxHistory;
    }

    /**
     * Claims up to {@code limit} due jobs, the earliest due first: first reads the earliest due times of
     * every bucket, then claims in each bucket as many as it holds of the earliest {@code limit}. Jobs a
     * concurrent worker took in between are not replaced. When some buckets fail, the jobs claimed in the
     * others are still returned.
     */
    List<DueJob> claimDue(int limit, byte[] leaseMillis, byte[] node) {
        String operation = "claimDue";
        Connector.Commands commands = calls.commands(null, operation);
        int[] wanted = earliestDuePerBucket(commands, limit, operation);
        List<Replies.Due> claimed = new ArrayList<>();
        RuntimeException failure = null;
        while (failure == null && anyPositive(wanted)) {
            long deadline = calls.deadline();
            Map<Integer, CompletableFuture<List<Object>>> batches = new LinkedHashMap<>();
            for (int bucket = 0; bucket < wanted.length; bucket++) {
                if (wanted[bucket] > 0) {
                    batches.put(bucket, calls.script(commands, scripts.due, layout.indexKeys(bucket),
                            layout.recordPrefix(bucket), layout.valuesPrefix(bucket),
                            Wire.number(Math.min(wanted[bucket], SCRIPT_BATCH)), leaseMillis, node, maxHistory));
                }
            }
            for (Map.Entry<Integer, CompletableFuture<List<Object>>> batch : batches.entrySet()) {
                int bucket = batch.getKey();
                int asked = Math.min(wanted[bucket], SCRIPT_BATCH);
                try {
                    List<Object> jobs = calls.await(batch.getValue(), deadline, null, operation);
                    for (Object job : jobs) {
                        claimed.add(calls.decode(null, operation, () -> Replies.due((List<?>) job)));
                    }
                    wanted[bucket] = jobs.size() < asked ? 0 : wanted[bucket] - asked;
                } catch (RuntimeException e) {
                    failure = failure == null ? e : failure;
                    wanted[bucket] = 0;
                }
            }
        }
        if (failure != null) {
            if (claimed.isEmpty()) {
                throw failure;
            }
            LOG.log(Level.WARNING, "claimDue claimed " + claimed.size() + " jobs but some buckets failed; "
                    + "their jobs are claimed on a later poll", failure);
        }
        claimed.sort(Comparator.comparingLong(Replies.Due::dueAt).thenComparing(due -> due.job().key()));
        List<DueJob> jobs = new ArrayList<>(claimed.size());
        for (Replies.Due due : claimed) {
            jobs.add(due.job());
        }
        return jobs;
    }

    /**
     * The records that match the query, newest change first: scans each bucket's state indexes for the
     * newest {@code limit} candidates (index entries whose record is gone are skipped), merges them, then
     * reads the records themselves and checks them against the query again.
     */
    List<IdempotencyRecord> list(RecordQuery query) {
        String operation = "list";
        Connector.Commands commands = calls.commands(null, operation);
        List<Candidate> candidates = listCandidates(commands, query, operation);
        candidates.sort(Comparator.comparingLong(Candidate::updatedAt).reversed().thenComparing(Candidate::key));
        Map<String, CompletableFuture<List<Object>>> reads = new LinkedHashMap<>();
        for (Candidate candidate : candidates) {
            if (reads.size() == query.limit()) {
                break;
            }
            reads.computeIfAbsent(candidate.key(),
                    key -> calls.script(commands, scripts.find, layout.recordScriptKeys(key)));
        }
        long deadline = calls.deadline();
        List<IdempotencyRecord> records = new ArrayList<>();
        for (Map.Entry<String, CompletableFuture<List<Object>>> read : reads.entrySet()) {
            String key = read.getKey();
            List<Object> reply = calls.await(read.getValue(), deadline, key, "find of key '" + key + "'");
            if (!reply.isEmpty()) {
                IdempotencyRecord record = calls.decode(key, operation, () -> Replies.record(key, reply));
                if (matches(query, record)) {
                    records.add(record);
                }
            }
        }
        records.sort(Comparator.comparing(IdempotencyRecord::updatedAt).reversed().thenComparing(IdempotencyRecord::key));
        return records;
    }

    /**
     * The sizes of the state indexes and of the completed index, summed over the buckets. Expired records
     * count until purged.
     */
    Map<RecordState, Long> countByState() {
        String operation = "countByState";
        Connector.Commands commands = calls.commands(null, operation);
        Map<RecordState, List<CompletableFuture<Long>>> sizes = new EnumMap<>(RecordState.class);
        for (RecordState state : Layout.INDEXED_STATES) {
            List<CompletableFuture<Long>> perBucket = new ArrayList<>();
            for (int bucket = 0; bucket < layout.buckets(); bucket++) {
                perBucket.add(commands.sortedSets().zcard(layout.stateIndex(bucket, state)).toCompletableFuture());
            }
            sizes.put(state, perBucket);
        }
        List<CompletableFuture<Long>> completed = new ArrayList<>();
        for (int bucket = 0; bucket < layout.buckets(); bucket++) {
            completed.add(calls.script(commands, scripts.count, new byte[][] {layout.completedIndex(bucket)}));
        }
        sizes.put(RecordState.COMPLETED, completed);
        long deadline = calls.deadline();
        Map<RecordState, Long> counts = new EnumMap<>(RecordState.class);
        for (Map.Entry<RecordState, List<CompletableFuture<Long>>> state : sizes.entrySet()) {
            long count = 0;
            for (CompletableFuture<Long> size : state.getValue()) {
                count += calls.await(size, deadline, null, operation);
            }
            counts.put(state.getKey(), count);
        }
        counts.values().removeIf(count -> count <= 0);
        return counts;
    }

    /** Purges bucket after bucket, starting one further each call so that every bucket gets its turn. */
    int purgeExpired(int limit) {
        String operation = "purgeExpired";
        Connector.Commands commands = calls.commands(null, operation);
        int buckets = layout.buckets();
        int first = Math.floorMod(nextPurgeBucket.getAndIncrement(), buckets);
        int removed = 0;
        for (int i = 0; i < buckets && removed < limit; i++) {
            int bucket = (first + i) % buckets;
            int examined;
            int asked;
            do {
                asked = Math.min(limit - removed, SCRIPT_BATCH);
                List<Object> reply = calls.await(calls.script(commands, scripts.purge, layout.indexKeys(bucket),
                        layout.recordPrefix(bucket), layout.valuesPrefix(bucket), Wire.number(asked)), calls.deadline(),
                        null, operation);
                removed += (int) (long) calls.decode(null, operation, () -> Replies.number(reply.get(0)));
                examined = (int) (long) calls.decode(null, operation, () -> Replies.number(reply.get(1)));
            } while (examined == asked && removed < limit);
        }
        return removed;
    }

    /**
     * How many due jobs to claim in each bucket: its share of the {@code limit} earliest due times that are
     * due by Redis's clock ({@code TIME}, read in the same round trip), so that no script runs for a bucket
     * whose jobs are not due yet.
     */
    private int[] earliestDuePerBucket(Connector.Commands commands, int limit, String operation) {
        CompletableFuture<List<byte[]>> time = commands.server().time().toCompletableFuture();
        List<CompletableFuture<List<ScoredValue<byte[]>>>> peeks = new ArrayList<>();
        for (int bucket = 0; bucket < layout.buckets(); bucket++) {
            peeks.add(commands.sortedSets().zrangeWithScores(layout.dueIndex(bucket), 0, limit - 1L).toCompletableFuture());
        }
        long deadline = calls.deadline();
        List<byte[]> clock = calls.await(time, deadline, null, operation);
        long now = calls.decode(null, operation, () -> Replies.timeMillis(clock));
        List<DueTime> dueTimes = new ArrayList<>();
        for (int bucket = 0; bucket < peeks.size(); bucket++) {
            for (ScoredValue<byte[]> entry : calls.await(peeks.get(bucket), deadline, null, operation)) {
                if (entry.getScore() <= now) {
                    dueTimes.add(new DueTime(entry.getScore(), bucket));
                }
            }
        }
        dueTimes.sort(Comparator.comparingDouble(DueTime::at));
        int[] wanted = new int[layout.buckets()];
        for (int i = 0; i < Math.min(limit, dueTimes.size()); i++) {
            wanted[dueTimes.get(i).bucket()]++;
        }
        return wanted;
    }

    /**
     * The keys that may match the query, with their update times, scanned in pipelined rounds: for each
     * bucket and state, the newest {@code limit} matching index entries (and any that tie with the last),
     * and for completed records, whose index is not in update order, every entry in the time range.
     */
    private List<Candidate> listCandidates(Connector.Commands commands, RecordQuery query, String operation) {
        byte[] highest = Wire.utf8(query.to() == null ? "+inf" : "(" + Wire.ceilMillis(query.to()));
        byte[] lowest = Wire.utf8(query.from() == null ? "-inf" : Long.toString(Wire.ceilMillis(query.from())));
        byte[] wanted = Wire.number(query.limit());
        byte[] keyPrefix = query.keyPrefix() == null ? Wire.NONE : Wire.utf8(query.keyPrefix());
        byte[] budget = Wire.number(LIST_SCAN_BUDGET);
        List<IndexScan> scans = new ArrayList<>();
        for (int bucket = 0; bucket < layout.buckets(); bucket++) {
            for (RecordState state : query.state() == null ? RecordState.values() : new RecordState[] {query.state()}) {
                scans.add(new IndexScan(bucket, state));
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        byte[] completedLowest = lowest;
        while (!scans.isEmpty()) {
            if (candidates.size() > 2 * query.limit() + LIST_SCAN_BUDGET) {
                long oldestKept = keepNewest(candidates, query.limit());
                if (oldestKept != Long.MIN_VALUE) {
                    completedLowest = Wire.utf8(Long.toString(oldestKept));
                }
            }
            List<CompletableFuture<List<Object>>> pages = new ArrayList<>();
            for (IndexScan scan : scans) {
                pages.add(calls.script(commands, scripts.list, new byte[][] {layout.listIndex(scan.bucket, scan.state)},
                        layout.recordPrefix(scan.bucket), Wire.utf8(Wire.code(scan.state)), highest,
                        scan.state == RecordState.COMPLETED ? completedLowest : lowest, wanted, keyPrefix,
                        Wire.number(scan.offset), budget));
            }
            long deadline = calls.deadline();
            List<IndexScan> unfinished = new ArrayList<>();
            for (int i = 0; i < scans.size(); i++) {
                List<Object> page = calls.await(pages.get(i), deadline, null, operation);
                long next = calls.decode(null, operation, () -> {
                    for (int j = 0; j + 1 < page.size(); j += 2) {
                        candidates.add(new Candidate(Replies.string(page.get(j)), Replies.number(page.get(j + 1))));
                    }
                    return Replies.number(page.get(page.size() - 1));
                });
                if (next >= 0) {
                    IndexScan scan = scans.get(i);
                    scan.offset = next;
                    unfinished.add(scan);
                }
            }
            scans = unfinished;
        }
        return candidates;
    }

    /**
     * Keeps the newest candidates of {@code limit} different keys, newest first: a listing reads no more,
     * and a walk of the completed records, which is not in update order, then holds no more than that
     * between rounds.
     *
     * @return the oldest kept update time once {@code limit} keys are kept (no older candidate can be
     *         listed then), else {@link Long#MIN_VALUE}
     */
    private static long keepNewest(List<Candidate> candidates, int limit) {
        candidates.sort(Comparator.comparingLong(Candidate::updatedAt).reversed().thenComparing(Candidate::key));
        Set<String> keys = new HashSet<>();
        List<Candidate> kept = new ArrayList<>();
        for (Candidate candidate : candidates) {
            if (keys.size() == limit && !keys.contains(candidate.key())) {
                break;
            }
            if (keys.add(candidate.key())) {
                kept.add(candidate);
            }
        }
        candidates.clear();
        candidates.addAll(kept);
        return keys.size() == limit ? kept.get(kept.size() - 1).updatedAt() : Long.MIN_VALUE;
    }

    private static boolean matches(RecordQuery query, IdempotencyRecord record) {
        return (query.state() == null || query.state() == record.state())
                && (query.from() == null || !record.updatedAt().isBefore(query.from()))
                && (query.to() == null || record.updatedAt().isBefore(query.to()))
                && (query.keyPrefix() == null || record.key().startsWith(query.keyPrefix()));
    }

    private static boolean anyPositive(int[] values) {
        for (int value : values) {
            if (value > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * A key an index scan found.
     *
     * @param key the full key
     * @param updatedAt its update time in epoch milliseconds
     */
    private record Candidate(String key, long updatedAt) {
    }

    /**
     * A due time in a bucket's due index.
     *
     * @param at the due time in epoch milliseconds
     * @param bucket the bucket
     */
    private record DueTime(double at, int bucket) {
    }

    /** Where the scan of one state index of one bucket has got to. */
    private static final class IndexScan {
        final int bucket;
        final RecordState state;
        long offset;

        IndexScan(int bucket, RecordState state) {
            this.bucket = bucket;
            this.state = state;
        }
    }
}
