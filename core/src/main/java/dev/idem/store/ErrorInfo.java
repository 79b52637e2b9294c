package dev.idem.store;

import java.util.Objects;

/**
 * A failure as a store keeps it: the exception's class name (at most {@link #MAX_TYPE_LENGTH}
 * characters) and its message, shortened to {@link #MAX_MESSAGE_LENGTH} characters, with NUL characters (which SQL text columns refuse) replaced
 * by U+FFFD. Never the stack trace or the exception object. Immutable.
 *
 * @param type the exception's class name
 * @param message the shortened message, or {@code null}
 */
public record ErrorInfo(String type, String message) {

    /** The longest message kept, in characters. */
    public static final int MAX_MESSAGE_LENGTH = 500;
    /** The longest type name kept, in characters. */
    public static final int MAX_TYPE_LENGTH = 200;

    /** Validates and shortens. */
    public ErrorInfo {
        Objects.requireNonNull(type, "type");
        if (type.length() > MAX_TYPE_LENGTH) {
            type = Keys.shorten(type, MAX_TYPE_LENGTH);
        }
        if (message != null) {
            if (message.length() > MAX_MESSAGE_LENGTH) {
                message = Keys.shorten(message, MAX_MESSAGE_LENGTH - 3) + "...";
            }
            message = message.replace('\u0000', '\uFFFD');
        }
    }

    /** The class name and shortened message of {@code failure}. */
    public static ErrorInfo of(Throwable failure) {
        return new ErrorInfo(failure.getClass().getName(), failure.getMessage());
    }

    @Override
    public String toString() {
        return message == null ? type : type + ": " + message;
    }
}
