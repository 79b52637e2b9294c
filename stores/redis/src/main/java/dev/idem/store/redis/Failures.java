package dev.idem.store.redis;

import dev.idem.annotation.IdempotencyStoreException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Turns what Lettuce and Redis throw into the store contract's exceptions: an unreachable, timed-out,
 * loading, read-only, busy or full server is unavailable (the caller may try again); a record that
 * cannot be read is a store exception naming its key. Immutable and thread-safe.
 */
final class Failures {

    /** The error codes of a Redis that cannot serve the call now but may soon. */
    private static final Set<String> TRANSIENT_CODES = Set.of("CLUSTERDOWN", "MASTERDOWN", "LOADING", "TRYAGAIN",
            "READONLY", "BUSY", "NOREPLICAS", "OOM", "MISCONF");

    private static final String CORRUPT_CODE = "IDEMCORRUPT";
    private static final String WRONG_TYPE_CODE = "WRONGTYPE";

    private final String store;

    /** @param store the store as messages name it */
    Failures(String store) {
        this.store = store;
    }

    /**
     * The exception to throw for {@code failure}.
     *
     * @param key the key the operation is about, or {@code null}
     * @param operation what was asked, for example {@code "claim of key 'k'"}
     */
    RuntimeException translate(Throwable failure, String key, String operation) {
        Throwable cause = unwrap(failure);
        if (cause instanceof IdempotencyStoreException known) {
            return known;
        }
        if (cause instanceof RedisCommandExecutionException refused) {
            String message = String.valueOf(refused.getMessage());
            String code = message.split(" ", 2)[0];
            if (CORRUPT_CODE.equals(code)) {
                return unreadable(key, withoutScriptLocation(message.substring(CORRUPT_CODE.length()).trim()), refused);
            }
            if (WRONG_TYPE_CODE.equals(code)) {
                return unreadable(key, "one of its Redis keys holds another type than the store writes", refused);
            }
            if (TRANSIENT_CODES.contains(code)) {
                return unavailable(key, operation, message, refused);
            }
            return new IdempotencyStoreException(key, "the Redis store " + store + " refused " + operation + ": "
                    + message, refused);
        }
        if (cause instanceof RedisException || cause instanceof TimeoutException || cause instanceof IOException
                || cause instanceof CancellationException) {
            return unavailable(key, operation, describe(cause), cause);
        }
        return new IdempotencyStoreException(key, "the Redis store " + store + " failed on " + operation + ": "
                + describe(cause), cause);
    }

    /** The exception for a reply this client cannot understand. */
    IdempotencyStoreException unexpectedReply(String key, String operation, RuntimeException problem) {
        return key == null
                ? new IdempotencyStoreException(null, "the Redis store " + store + " gave an unexpected reply to "
                        + operation + ": " + describe(problem), problem)
                : unreadable(key, "unexpected reply (" + describe(problem) + ")", problem);
    }

    IdempotencyStoreUnavailableException interrupted(String key, String operation, InterruptedException cause) {
        return unavailable(key, operation, "interrupted while waiting for Redis", cause);
    }

    IdempotencyStoreUnavailableException timedOut(String key, String operation, long nanos) {
        return unavailable(key, operation, "no answer within " + nanos / 1_000_000 + " ms", null);
    }

    private IdempotencyStoreUnavailableException unavailable(String key, String operation, String reason,
            Throwable cause) {
        String consequence = operation.startsWith("claim ")
                ? "the call was not run; try again later"
                : operation + " was not run or not confirmed; try again later";
        return new IdempotencyStoreUnavailableException(key, "the Redis store " + store + " is unavailable for "
                + operation + " (" + reason + "): " + consequence, cause);
    }

    private IdempotencyStoreException unreadable(String key, String why, Throwable cause) {
        return new IdempotencyStoreException(key, "the record of key '" + key + "' in the Redis store " + store
                + " cannot be read: " + why + "; repair or delete it by hand (see docs/stores-redis.md)", cause);
    }

    /** The message without the " script: sha, on @user_script:12." that Redis appends to script errors. */
    private static String withoutScriptLocation(String message) {
        int location = message.indexOf(" script: ");
        return location < 0 ? message : message.substring(0, location);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
