package dev.idem.store.redis;

import dev.idem.store.AuditEvent;
import dev.idem.store.ErrorInfo;
import dev.idem.store.RecordState;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How values look inside Redis: one-letter state codes, numeric event codes, compact fingerprints and
 * errors, milliseconds. The scripts use the same codes. Stateless and thread-safe.
 */
final class Wire {

    static final byte[] NONE = new byte[0];

    private static final byte HEX_FINGERPRINT = '#';
    private static final byte TEXT_FINGERPRINT = '=';
    private static final int MAX_HEX_FINGERPRINT = 128;
    private static final int COMPACT_NONE = 254;
    private static final int COMPACT_LONG = 255;
    private static final long MAX_MILLIS = 100L * 365 * 24 * 3600 * 1000;
    private static final long MAX_EPOCH_SECONDS = 30_000L * 365 * 24 * 3600;

    private static final Map<RecordState, String> STATE_CODES = new EnumMap<>(Map.of(
            RecordState.IN_PROGRESS, "P", RecordState.COMPLETED, "C", RecordState.FAILED, "F",
            RecordState.RELEASED, "R", RecordState.SCHEDULED, "S", RecordState.DEAD, "D"));

    /** Event codes by position: code 1 is the first. Never reorder: the codes are stored. */
    private static final List<AuditEvent> EVENTS = List.of(AuditEvent.CLAIMED, AuditEvent.TAKEN_OVER,
            AuditEvent.RESUMED, AuditEvent.COMPLETED, AuditEvent.FAILED, AuditEvent.RELEASED, AuditEvent.SCHEDULED,
            AuditEvent.DEAD, AuditEvent.STEP_SAVED, AuditEvent.REQUEUED, AuditEvent.CANCELLED);

    private Wire() {
    }

    static String code(RecordState state) {
        return STATE_CODES.get(state);
    }

    static RecordState state(String code) {
        for (Map.Entry<RecordState, String> entry : STATE_CODES.entrySet()) {
            if (entry.getValue().equals(code)) {
                return entry.getKey();
            }
        }
        throw new IllegalStateException("unknown state code '" + code + "'");
    }

    static AuditEvent event(long code) {
        if (code < 1 || code > EVENTS.size()) {
            throw new IllegalStateException("unknown event code " + code);
        }
        return EVENTS.get((int) code - 1);
    }

    /** The state a record is in after {@code event}; entries do not store it, because the event decides it. */
    static RecordState stateAfter(AuditEvent event) {
        switch (event) {
            case COMPLETED:
                return RecordState.COMPLETED;
            case FAILED:
                return RecordState.FAILED;
            case RELEASED:
            case CANCELLED:
                return RecordState.RELEASED;
            case SCHEDULED:
            case REQUEUED:
                return RecordState.SCHEDULED;
            case DEAD:
                return RecordState.DEAD;
            default:
                return RecordState.IN_PROGRESS;
        }
    }

    /**
     * A fingerprint as stored: lower-case hex (the engine's SHA-256) as {@code '#'} and its bytes, half the
     * size; any other text as {@code '='} and its UTF-8. Two fingerprints are equal exactly when their
     * stored forms are.
     */
    static byte[] fingerprint(String fingerprint) {
        if (!wellFormed(fingerprint)) {
            throw new IllegalArgumentException("a fingerprint must not hold unpaired surrogates");
        }
        if (isLowerHex(fingerprint)) {
            byte[] raw = HexFormat.of().parseHex(fingerprint);
            byte[] stored = new byte[raw.length + 1];
            stored[0] = HEX_FINGERPRINT;
            System.arraycopy(raw, 0, stored, 1, raw.length);
            return stored;
        }
        byte[] text = utf8(fingerprint);
        byte[] stored = new byte[text.length + 1];
        stored[0] = TEXT_FINGERPRINT;
        System.arraycopy(text, 0, stored, 1, text.length);
        return stored;
    }

    static String fingerprint(byte[] stored) {
        if (stored.length > 0 && stored[0] == HEX_FINGERPRINT) {
            return HexFormat.of().formatHex(stored, 1, stored.length);
        }
        if (stored.length > 0 && stored[0] == TEXT_FINGERPRINT) {
            return new String(stored, 1, stored.length - 1, StandardCharsets.UTF_8);
        }
        throw new IllegalStateException("a fingerprint in an unknown form");
    }

    /** An error as stored: the type, then NUL and the message when there is one (messages hold no NUL). */
    static byte[] error(ErrorInfo error) {
        String type = error.type().replace('\u0000', '\uFFFD');
        return utf8(error.message() == null ? type : type + '\u0000' + error.message());
    }

    static ErrorInfo error(byte[] stored) {
        String text = string(stored);
        int separator = text.indexOf('\u0000');
        return separator < 0 ? new ErrorInfo(text, null)
                : new ErrorInfo(text.substring(0, separator), text.substring(separator + 1));
    }

    /** A positive duration in whole milliseconds, rounded up so that it never becomes zero. */
    static long positiveMillis(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
        return roundedUp(duration, name);
    }

    /** A duration that may be zero, in whole milliseconds, rounded up. */
    static long nonNegativeMillis(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative: " + duration);
        }
        return roundedUp(duration, name);
    }

    /** A duration of the audit in whole milliseconds, within ±100 years. */
    static long clampedMillis(Duration duration) {
        if (Math.abs(duration.getSeconds()) > MAX_MILLIS / 1000) {
            return duration.isNegative() ? -MAX_MILLIS : MAX_MILLIS;
        }
        return duration.toMillis();
    }

    /**
     * An instant in whole epoch milliseconds, rounded up, so that a stored time {@code t} is before the
     * instant exactly when {@code t < ceilMillis(instant)}. Instants beyond ±30,000 years saturate.
     */
    static long ceilMillis(Instant instant) {
        long seconds = Math.max(-MAX_EPOCH_SECONDS, Math.min(MAX_EPOCH_SECONDS, instant.getEpochSecond()));
        long millis = seconds * 1000 + instant.getNano() / 1_000_000;
        return instant.getNano() % 1_000_000 == 0 ? millis : millis + 1;
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] number(long value) {
        return utf8(Long.toString(value));
    }

    /**
     * A claim as the end of a first claim's record in its compact form, which the claim script writes after
     * the time it reads: the lease, {@code ','}, then node, fingerprint and original key as
     * {@linkplain #compactField string fields}.
     */
    static byte[] firstClaim(long leaseMillis, byte[] node, byte[] fingerprint, byte[] original) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(32 + node.length
                + (fingerprint == null ? 0 : fingerprint.length) + (original == null ? 0 : original.length));
        out.writeBytes(number(leaseMillis));
        out.write(',');
        writeCompactField(out, node);
        writeCompactField(out, fingerprint);
        writeCompactField(out, original);
        return out.toByteArray();
    }

    /**
     * A string field of a record in its compact form: one byte n and then n bytes when n &lt; 254, the byte
     * 254 for {@code null}, or the byte 255, four bytes of its length (big-endian) and its bytes.
     */
    static byte[] compactField(byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value == null ? 1 : value.length + 5);
        writeCompactField(out, value);
        return out.toByteArray();
    }

    private static void writeCompactField(ByteArrayOutputStream out, byte[] value) {
        if (value == null) {
            out.write(COMPACT_NONE);
            return;
        }
        if (value.length < COMPACT_NONE) {
            out.write(value.length);
        } else {
            out.write(COMPACT_LONG);
            writeBigEndian(out, value.length, 4);
        }
        out.writeBytes(value);
    }

    /**
     * Values as one argument, each a MessagePack value, which a script reads with one
     * {@code cmsgpack.unpack}: a {@code Long} or {@code Integer} as an integer, a {@code byte[]} as a
     * string (Redis's {@code cmsgpack} reads no binary type), {@code null} as nil. Redis spends about a
     * microsecond on every argument of a call, and Lua reads a number written in digits with
     * {@code strtod}, several times slower than a MessagePack integer.
     */
    static byte[] packed(Object... values) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        for (Object value : values) {
            if (value == null) {
                out.write(0xC0);
            } else if (value instanceof byte[] bytes) {
                if (bytes.length < 32) {
                    out.write(0xA0 | bytes.length);
                } else if (bytes.length < 0x100) {
                    out.write(0xD9);
                    out.write(bytes.length);
                } else if (bytes.length < 0x1_0000) {
                    out.write(0xDA);
                    writeBigEndian(out, bytes.length, 2);
                } else {
                    out.write(0xDB);
                    writeBigEndian(out, bytes.length, 4);
                }
                out.writeBytes(bytes);
            } else if (value instanceof Long || value instanceof Integer) {
                long number = ((Number) value).longValue();
                if (number >= 0 && number < 0x80) {
                    out.write((int) number);
                } else if (number >= 0 && number <= 0xFFFF_FFFFL) {
                    out.write(0xCE);
                    writeBigEndian(out, number, 4);
                } else {
                    out.write(0xD3);
                    writeBigEndian(out, number, 8);
                }
            } else {
                throw new IllegalArgumentException("no MessagePack form for " + value.getClass().getName());
            }
        }
        return out.toByteArray();
    }

    private static void writeBigEndian(ByteArrayOutputStream out, long value, int bytes) {
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write((int) (value >>> shift) & 0xFF);
        }
    }

    static String string(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static boolean wellFormed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    private static long roundedUp(Duration duration, String name) {
        if (duration.getSeconds() > MAX_MILLIS / 1000) {
            throw new IllegalArgumentException(name + " must be at most 100 years: " + duration);
        }
        long millis = duration.toMillis();
        return duration.minusMillis(millis).isZero() ? millis : millis + 1;
    }

    private static boolean isLowerHex(String text) {
        if (text.isEmpty() || text.length() % 2 != 0 || text.length() > MAX_HEX_FINGERPRINT) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
                return false;
            }
        }
        return true;
    }
}
