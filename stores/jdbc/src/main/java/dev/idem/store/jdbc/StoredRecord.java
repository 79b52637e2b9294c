package dev.idem.store.jdbc;

import dev.idem.annotation.IdempotencyStoreException;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.ErrorInfo;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.RecordState;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Map;

/**
 * A row of the records table ({@link Schema#RECORD_COLUMNS}), checked as it is read: a row that no
 * version of this store could have written gives an {@link IdempotencyStoreException} naming its key.
 * Immutable apart from the arrays.
 */
record StoredRecord(
        String key,
        String originalKey,
        RecordState state,
        AuditEvent lastEvent,
        String fingerprint,
        long token,
        int attempt,
        String owner,
        Instant createdAt,
        Instant updatedAt,
        Instant leaseUntil,
        Instant nextAttemptAt,
        Instant expiresAt,
        byte[] result,
        ErrorInfo error,
        byte[] invocation,
        boolean hasSteps,
        long auditSeq) {

    /** Reads the row at the cursor. */
    static StoredRecord read(ResultSet row, JdbcDialect dialect, String table) throws SQLException {
        String key = row.getString("record_key");
        String state = row.getString("state");
        String lastEvent = row.getString("last_event");
        String errorType = row.getString("error_type");
        String errorMessage = row.getString("error_message");
        if (errorType == null && errorMessage != null) {
            throw corrupt(key, table, "it has an error message but no error type");
        }
        StoredRecord record = new StoredRecord(key, row.getString("original_key"),
                parse(RecordState.class, state, key, table, "state"),
                parse(AuditEvent.class, lastEvent, key, table, "last_event"),
                row.getString("fingerprint"), row.getLong("token"), row.getInt("attempt"), row.getString("owner_node"),
                dialect.readInstant(row, "created_at"), dialect.readInstant(row, "updated_at"),
                dialect.readInstant(row, "lease_until"), dialect.readInstant(row, "next_attempt_at"),
                dialect.readInstant(row, "expires_at"), row.getBytes("result"),
                errorType == null ? null : new ErrorInfo(errorType, errorMessage), row.getBytes("invocation"),
                row.getBoolean("has_steps"), row.getLong("audit_seq"));
        record.check(table);
        return record;
    }

    /** The enum constant named {@code value}, or an error naming the key, the column and the value. */
    static <E extends Enum<E>> E parse(Class<E> type, String value, String key, String table, String column) {
        try {
            return Enum.valueOf(type, value);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw corrupt(key, table, "its " + column + " is '" + value + "', which this version does not know");
        }
    }

    static IdempotencyStoreException corrupt(String key, String table, String problem) {
        return new IdempotencyStoreException(key, "the record of key '" + key + "' in table " + table
                + " cannot be read: " + problem + ". It was changed by hand or by an incompatible version; fix or "
                + "delete that row (other keys are not affected)", null);
    }

    private void check(String table) {
        String problem = null;
        if (token < 1 || attempt < 0 || auditSeq < 1) {
            problem = "its token (" + token + "), attempt (" + attempt + ") or audit_seq (" + auditSeq + ") is out of range";
        } else if (owner == null || createdAt == null || updatedAt == null) {
            problem = "its owner_node, created_at or updated_at is empty";
        } else if (state == RecordState.IN_PROGRESS && leaseUntil == null) {
            problem = "it is IN_PROGRESS without lease_until";
        } else if (state == RecordState.SCHEDULED && nextAttemptAt == null) {
            problem = "it is SCHEDULED without next_attempt_at";
        } else if (state.expires() && expiresAt == null) {
            problem = "it is " + state + " without expires_at";
        } else if (state == RecordState.COMPLETED && result == null) {
            problem = "it is COMPLETED without a result";
        } else if (state == RecordState.FAILED && error == null) {
            problem = "it is FAILED without an error";
        }
        if (problem != null) {
            throw corrupt(key, table, problem);
        }
    }

    /** Whether the record has expired at {@code now} and a claim starts it afresh. */
    boolean expiredAt(Instant now) {
        return state.expires() && !now.isBefore(expiresAt);
    }

    /**
     * What a claim at {@code now} is answered, as {@code InMemoryStore} answers it; {@code null} when the
     * claim takes the record (it is expired, released, or its lease or delay has run out).
     */
    ClaimResult answer(ClaimRequest request, Instant now) {
        if (expiredAt(now)) {
            return null;
        }
        if (request.fingerprint() != null && fingerprint != null && !request.fingerprint().equals(fingerprint)) {
            return new ClaimResult.Mismatch();
        }
        switch (state) {
            case IN_PROGRESS:
                return now.isBefore(leaseUntil) ? new ClaimResult.InProgress(leaseUntil, owner) : null;
            case SCHEDULED:
                return now.isBefore(nextAttemptAt) ? new ClaimResult.Scheduled(nextAttemptAt) : null;
            case COMPLETED:
                return new ClaimResult.Completed(result);
            case FAILED:
                return new ClaimResult.Failed(error);
            case DEAD:
                return new ClaimResult.Dead(error, attempt);
            default:
                return null;
        }
    }

    /** The event of a claim that takes this record at {@code now} ({@link #answer} gave {@code null}). */
    AuditEvent takeoverEvent(Instant now) {
        if (expiredAt(now) || state == RecordState.RELEASED) {
            return AuditEvent.CLAIMED;
        }
        return state == RecordState.IN_PROGRESS ? AuditEvent.TAKEN_OVER : AuditEvent.RESUMED;
    }

    /** The record as the store contract shows it. */
    IdempotencyRecord toRecord(Map<String, byte[]> steps) {
        return new IdempotencyRecord(key, originalKey, state, fingerprint, token, attempt, owner, createdAt, updatedAt,
                leaseUntil, nextAttemptAt, expiresAt, result, error, steps, invocation);
    }
}
