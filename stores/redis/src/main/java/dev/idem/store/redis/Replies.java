package dev.idem.store.redis;

import dev.idem.store.AuditEntry;
import dev.idem.store.AuditEvent;
import dev.idem.store.ClaimResult;
import dev.idem.store.DueJob;
import dev.idem.store.IdempotencyRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the scripts' replies into the store contract's types. A reply is a list of byte arrays, longs,
 * nested lists and absent values (a null, or a false where the connection speaks RESP3). Stateless and
 * thread-safe; throws a runtime exception for a reply of an unexpected shape.
 */
final class Replies {

    /**
     * A new record's claim, which the claim script answers with the bare number 1, the shortest reply; the
     * MULTI output reads it as a list of one.
     */
    private static final ClaimResult FRESH_CLAIM = new ClaimResult.Claimed(1, 1, Map.of(), AuditEvent.CLAIMED);

    private Replies() {
    }

    static ClaimResult claim(List<?> reply) {
        int answer = (int) number(reply.get(0));
        switch (answer) {
            case 1:
                if (reply.size() == 1) {
                    return FRESH_CLAIM;
                }
                return new ClaimResult.Claimed(number(reply.get(1)), (int) number(reply.get(2)), steps(reply.get(4)),
                        Wire.event(number(reply.get(3))));
            case 2:
                return new ClaimResult.Completed(bytes(reply.get(1)));
            case 3:
                return new ClaimResult.Failed(Wire.error(bytes(reply.get(1))));
            case 4:
                return new ClaimResult.InProgress(instant(reply.get(1)), string(reply.get(2)));
            case 5:
                return new ClaimResult.Mismatch();
            case 6:
                return new ClaimResult.Scheduled(instant(reply.get(1)));
            case 7:
                byte[] error = bytesOrNull(reply.get(1));
                return new ClaimResult.Dead(error == null ? null : Wire.error(error), (int) number(reply.get(2)));
            default:
                throw new IllegalStateException("unknown claim answer " + answer);
        }
    }

    static IdempotencyRecord record(String key, List<?> reply) {
        byte[] fingerprint = bytesOrNull(reply.get(4));
        byte[] original = bytesOrNull(reply.get(5));
        byte[] error = bytesOrNull(reply.get(12));
        return new IdempotencyRecord(key, original == null ? null : Wire.string(original),
                Wire.state(string(reply.get(0))), fingerprint == null ? null : Wire.fingerprint(fingerprint),
                number(reply.get(1)), (int) number(reply.get(2)), string(reply.get(3)), instant(reply.get(6)),
                instant(reply.get(7)), instantOrNull(reply.get(8)), instantOrNull(reply.get(9)),
                instantOrNull(reply.get(10)), bytesOrNull(reply.get(11)), error == null ? null : Wire.error(error),
                steps(reply.get(14)), bytesOrNull(reply.get(13)));
    }

    static List<AuditEntry> history(String key, List<?> reply) {
        List<AuditEntry> entries = new ArrayList<>(reply.size());
        for (Object item : reply) {
            List<?> entry = (List<?>) item;
            AuditEvent event = Wire.event(number(entry.get(1)));
            byte[] fingerprint = bytesOrNull(entry.get(6));
            byte[] error = bytesOrNull(entry.get(8));
            byte[] detail = bytesOrNull(entry.get(9));
            entries.add(new AuditEntry(key, number(entry.get(0)), event, Wire.stateAfter(event),
                    (int) number(entry.get(5)), number(entry.get(4)), string(entry.get(3)), instant(entry.get(2)),
                    absent(entry.get(7)) ? null : Duration.ofMillis(number(entry.get(7))),
                    error == null ? null : Wire.error(error), fingerprint == null ? null : Wire.fingerprint(fingerprint),
                    detail == null ? null : Wire.string(detail)));
        }
        return entries;
    }

    /**
     * A due job and when it was due.
     *
     * @param job the claimed job
     * @param dueAt when it was due
     */
    record Due(DueJob job, long dueAt) {
    }

    static Due due(List<?> reply) {
        byte[] fingerprint = bytesOrNull(reply.get(4));
        DueJob job = new DueJob(string(reply.get(0)), number(reply.get(1)), (int) number(reply.get(2)),
                steps(reply.get(6)), bytesOrNull(reply.get(5)), fingerprint == null ? null : Wire.fingerprint(fingerprint));
        return new Due(job, number(reply.get(3)));
    }

    static long number(Object value) {
        if (value instanceof Long number) {
            return number;
        }
        if (value instanceof byte[] text) {
            return Long.parseLong(Wire.string(text));
        }
        throw new IllegalStateException("expected a number, got " + value);
    }

    /** A {@code TIME} reply (seconds, microseconds) in epoch milliseconds. */
    static long timeMillis(List<byte[]> reply) {
        if (reply.size() != 2) {
            throw new IllegalStateException("expected TIME's seconds and microseconds, got " + reply.size() + " values");
        }
        return number(reply.get(0)) * 1000 + number(reply.get(1)) / 1000;
    }

    static byte[] bytes(Object value) {
        if (value instanceof byte[] bytes) {
            return bytes;
        }
        throw new IllegalStateException("expected a string, got " + value);
    }

    static String string(Object value) {
        return Wire.string(bytes(value));
    }

    static boolean absent(Object value) {
        return value == null || Boolean.FALSE.equals(value);
    }

    private static byte[] bytesOrNull(Object value) {
        return absent(value) ? null : bytes(value);
    }

    private static Instant instant(Object value) {
        return Instant.ofEpochMilli(number(value));
    }

    private static Instant instantOrNull(Object value) {
        return absent(value) ? null : instant(value);
    }

    private static Map<String, byte[]> steps(Object value) {
        List<?> flat = (List<?>) value;
        if (flat.isEmpty()) {
            return Map.of();
        }
        Map<String, byte[]> steps = new LinkedHashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            steps.put(string(flat.get(i)), bytes(flat.get(i + 1)));
        }
        return steps;
    }
}
