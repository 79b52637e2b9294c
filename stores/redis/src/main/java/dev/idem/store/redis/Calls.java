package dev.idem.store.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Sends the store's scripts and commands on its connection and waits for the replies, each wait bounded by
 * the command timeout; what fails is translated into the store contract's exceptions. Thread-safe.
 */
final class Calls implements AutoCloseable {

    private final Connector connector;
    private final Failures failures;
    private final String store;
    private final long timeoutNanos;

    Calls(Connector connector, String store, long timeoutNanos) {
        this.connector = connector;
        this.failures = new Failures(store);
        this.store = store;
        this.timeoutNanos = timeoutNanos;
    }

    /** The connection's commands, opening it if needed. */
    Connector.Commands commands(String key, String operation) {
        try {
            return connector.commands();
        } catch (RuntimeException e) {
            if (connector.isClosed()) {
                throw new IllegalStateException("the Redis store " + store + " is closed", e);
            }
            throw failures.translate(e, key, operation);
        }
    }

    /**
     * Starts an operation: with {@code FCALL} when the store's library is loaded, else with
     * {@code EVALSHA}. A function Redis does not have (a new or flushed master) runs as a script this time,
     * and the library is sent again; so does one that Redis refuses at once because it refuses writes. A script Redis does not have (after a restart, a failover or
     * {@code SCRIPT FLUSH}) is sent whole with {@code EVAL}, which runs it once and loads it again.
     */
    <T> CompletableFuture<T> script(Connector.Commands commands, Script script, byte[][] keys, byte[]... arguments) {
        try {
            if (commands.functions() == null) {
                return evaluate(commands, script, keys, arguments);
            }
            CompletableFuture<T> call = commands.functions().<T>fcall(script.function(), script.output(), keys, arguments)
                    .toCompletableFuture();
            return call.exceptionallyCompose(failure -> {
                Throwable cause = unwrap(failure);
                if (functionMissing(cause)) {
                    connector.libraryLost();
                    return evaluate(commands, script, keys, arguments);
                }
                return refusedUntilWritten(cause) ? evaluate(commands, script, keys, arguments)
                        : CompletableFuture.failedFuture(failure);
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> CompletableFuture<T> evaluate(Connector.Commands commands, Script script, byte[][] keys,
            byte[]... arguments) {
        RedisScriptingAsyncCommands<byte[], byte[]> redis = commands.scripting();
        CompletableFuture<T> first = redis.<T>evalsha(script.sha(), script.output(), keys, arguments).toCompletableFuture();
        return first.exceptionallyCompose(failure -> unwrap(failure) instanceof RedisNoScriptException
                ? redis.<T>eval(script.source(), script.output(), keys, arguments).toCompletableFuture()
                : CompletableFuture.failedFuture(failure));
    }

    /**
     * Whether Redis refused a function that may write before running it, because it refuses writes now
     * (out of memory, a failed save, too few replicas). The same code as a script is refused only if it
     * comes to a write, so a duplicate still gets its stored result.
     */
    private static boolean refusedUntilWritten(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        return failure instanceof RedisCommandExecutionException
                && (message.startsWith("OOM") || message.startsWith("MISCONF") || message.startsWith("NOREPLICAS"));
    }

    private static boolean functionMissing(Throwable failure) {
        return failure instanceof RedisCommandExecutionException
                && String.valueOf(failure.getMessage()).startsWith("ERR Function not found");
    }

    /** A deadline for replies to calls sent now. */
    long deadline() {
        return System.nanoTime() + timeoutNanos;
    }

    /**
     * The reply, waiting at most until {@code deadline}.
     *
     * @param key the key the call is about, or {@code null}
     * @param operation what the call does, for messages
     */
    <T> T await(Future<T> reply, long deadline, String key, String operation) {
        try {
            return reply.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            reply.cancel(false);
            throw failures.timedOut(key, operation, timeoutNanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failures.interrupted(key, operation, e);
        } catch (ExecutionException e) {
            throw failures.translate(e, key, operation);
        }
    }

    /** What {@code decoding} makes of a reply; a reply of an unexpected shape is a store exception. */
    <T> T decode(String key, String operation, Supplier<T> decoding) {
        try {
            return decoding.get();
        } catch (RuntimeException e) {
            throw failures.unexpectedReply(key, operation, e);
        }
    }

    @Override
    public void close() {
        connector.close();
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
