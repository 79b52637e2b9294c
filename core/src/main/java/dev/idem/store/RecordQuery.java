package dev.idem.store;

import java.time.Instant;

/**
 * Which records {@link IdempotencyStore#list(RecordQuery)} returns, newest change first. Immutable.
 *
 * @param state only records in this state, or {@code null} for all
 * @param from only records changed at or after this time, or {@code null}
 * @param to only records changed before this time, or {@code null}
 * @param keyPrefix only keys that start with this (a namespace followed by {@code ':'}), or {@code null}
 * @param limit the most records returned, 1 to {@link #MAX_LIMIT}
 */
public record RecordQuery(RecordState state, Instant from, Instant to, String keyPrefix, int limit) {

    /** The largest page a store returns. */
    public static final int MAX_LIMIT = 10_000;

    /** Validates. */
    public RecordQuery {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be 1 to " + MAX_LIMIT + ": " + limit);
        }
        if (from != null && to != null && to.isBefore(from)) {
            throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
        }
    }

    /** All records in {@code state}, at most {@code limit}. */
    public static RecordQuery byState(RecordState state, int limit) {
        return new RecordQuery(state, null, null, null, limit);
    }
}
