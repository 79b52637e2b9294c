package dev.idem.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store contract: where the one record of each key lives. Every method is one atomic step on the
 * store (one SQL statement or transaction, one Lua script); every transition appends its
 * {@link AuditEntry} in that same step. Lease and expiry times are computed from the store's own clock.
 *
 * <p>Writes after a claim name the claim's fencing token and are refused ({@code false}) when it is not
 * the record's current token, so an owner whose lease was taken over can never overwrite the new
 * owner's work.
 *
 * <p>Errors: a store that cannot be reached in time throws
 * {@link dev.idem.annotation.IdempotencyStoreUnavailableException}; a record that cannot be read throws
 * {@link dev.idem.annotation.IdempotencyStoreException} naming the key; invalid arguments throw
 * {@link IllegalArgumentException}. Implementations must be thread-safe.
 */
public interface IdempotencyStore extends AutoCloseable {

    /**
     * The largest value (result, step, invocation) every store accepts, 8 MiB. Larger values are refused
     * with {@link IllegalArgumentException} naming the size, and the record is left unchanged. The
     * codec's own limit (1 MiB by default) normally stops them first.
     */
    int MAX_VALUE_BYTES = 8 << 20;

    /**
     * Checks a value against {@link #MAX_VALUE_BYTES}.
     *
     * @param what names the value in the error, for example {@code "the result of key 'k'"}
     */
    static void requireValueSize(byte[] value, String what) {
        if (value != null && value.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException(what + " has " + value.length + " bytes, more than the "
                    + MAX_VALUE_BYTES + " a store accepts");
        }
    }

    /**
     * Claims a key. Creates an {@code IN_PROGRESS} record with token 1 (or the old token + 1 when an
     * expired or released record is reused), or takes over an {@code IN_PROGRESS} record whose lease has
     * run out or a {@code SCHEDULED} record that is due (token + 1, attempt + 1, saved steps kept).
     * Otherwise answers with the record's state. A request whose fingerprint differs from the record's
     * (both non-null) gets {@link ClaimResult.Mismatch} unless the record has expired.
     */
    ClaimResult claim(ClaimRequest request);

    /** Stores the result ({@code COMPLETED}, expiring after the ttl). {@code false} if the token is stale. */
    boolean complete(Completion completion);

    /** Applies a failure outcome. {@code false} if the token is stale. */
    boolean fail(Failure failure);

    /**
     * Extends the lease of an {@code IN_PROGRESS} record to now + {@code lease} (positive). {@code false}
     * if stale.
     */
    boolean renew(String key, long token, Duration lease);

    /** Saves (or overwrites) a step's value on an {@code IN_PROGRESS} record. {@code false} if stale. */
    boolean saveStep(StepWrite write);

    /**
     * Claims up to {@code limit} {@code SCHEDULED} records that are due, oldest due first, as
     * {@link #claim} would; concurrent callers on any node never get the same record.
     */
    List<DueJob> claimDue(int limit, Duration lease, String node);

    /** The record of a key, if any (expired records that are not yet purged are returned too). */
    Optional<IdempotencyRecord> find(String key);

    /** The key's audit entries, oldest first (stores may bound how many they keep per key). */
    List<AuditEntry> history(String key);

    /** Records matching the query, most recently changed first. */
    List<IdempotencyRecord> list(RecordQuery query);

    /** How many records are in each state (states with none may be left out). */
    Map<RecordState, Long> countByState();

    /** Makes a {@code DEAD} or {@code SCHEDULED} record due now, with a fresh attempt count. */
    OperatorResult requeue(String key, String node);

    /**
     * Releases a {@code DEAD} or {@code SCHEDULED} record so that no worker re-runs it; the released
     * record and its history are kept for {@code retention}, and the next claim of the key runs afresh.
     */
    OperatorResult cancel(String key, Duration retention, String node);

    /**
     * Removes up to {@code limit} records whose {@code expiresAt} has passed, with their history, in
     * short steps that never hold long locks.
     *
     * @return how many were removed; fewer than {@code limit} means none are removable now (rows that a
     *     concurrent operation holds are skipped and removed by a later purge)
     */
    int purgeExpired(int limit);

    /** Releases the store's connections; the default does nothing. */
    @Override
    default void close() {
    }
}
