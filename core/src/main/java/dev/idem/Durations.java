package dev.idem;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the duration strings of the annotations and of configuration: {@code 500ms}, {@code 30s},
 * {@code 15m}, {@code 24h}, {@code 7d}, or ISO-8601 such as {@code PT30S}. Stateless and thread-safe.
 */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses {@code text}; an empty string gives {@code null} ("not set").
     *
     * @param what names the attribute in the error, for example {@code "@Idempotent(ttl) of Payments#charge"}
     * @throws IllegalArgumentException naming {@code what}, the value and the accepted forms
     */
    public static Duration parse(String text, String what) {
        String value = text.trim();
        if (value.isEmpty()) {
            return null;
        }
        Matcher matcher = SIMPLE.matcher(value);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            switch (matcher.group(2)) {
                case "ms":
                    return Duration.ofMillis(amount);
                case "s":
                    return Duration.ofSeconds(amount);
                case "m":
                    return Duration.ofMinutes(amount);
                case "h":
                    return Duration.ofHours(amount);
                default:
                    return Duration.ofDays(amount);
            }
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(what + " is '" + text + "', which is not a duration; write it as "
                    + "500ms, 30s, 15m, 24h, 7d or ISO-8601 (PT30S)", e);
        }
    }

    /** As {@link #parse}, refusing an empty, zero or negative value. */
    public static Duration parsePositive(String text, String what) {
        Duration duration = parse(text, what);
        requirePositive(duration, what);
        return duration;
    }

    static void requirePositive(Duration duration, String what) {
        if (duration == null || duration.isZero() || duration.isNegative()) {
            throw new IllegalArgumentException(what + " must be a positive duration, not " + duration);
        }
    }

    static void requireNotNegative(Duration duration, String what) {
        if (duration == null || duration.isNegative()) {
            throw new IllegalArgumentException(what + " must be zero or a positive duration, not " + duration);
        }
    }
}
