package dev.idem.store.redis;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.api.async.RedisServerAsyncCommands;
import io.lettuce.core.api.async.RedisSortedSetAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.resource.ClientResources;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The store's one connection to Redis, standalone or cluster. It is opened on first use, so that a store
 * built while Redis is down starts working once Redis is up; Lettuce reconnects it after a failure; it
 * is closed with the store only when the store opened it, and the client and its resources are shut
 * down only when the store created them. A failed attempt to open is not repeated for
 * {@link #RETRY_OPEN_AFTER_NANOS}, so that callers waiting for it fail at once instead of in turn.
 * Thread-safe.
 */
final class Connector implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Connector.class.getName());
    private static final long RETRY_OPEN_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /**
     * The commands the store sends, on one connection.
     *
     * @param scripting EVAL, EVALSHA and SCRIPT LOAD (broadcast to every master of a cluster)
     * @param sortedSets the reads of the indexes
     * @param connection the connection they run on
     */
    record Commands(RedisScriptingAsyncCommands<byte[], byte[]> scripting,
            RedisSortedSetAsyncCommands<byte[], byte[]> sortedSets, RedisServerAsyncCommands<byte[], byte[]> server,
            StatefulConnection<byte[], byte[]> connection) {

        static Commands of(StatefulConnection<byte[], byte[]> connection) {
            if (connection instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster) {
                var async = cluster.async();
                return new Commands(async, async, async, connection);
            }
            if (connection instanceof StatefulRedisConnection<byte[], byte[]> standalone) {
                var async = standalone.async();
                return new Commands(async, async, async, connection);
            }
            throw new IllegalArgumentException("not a standalone or cluster connection: " + connection);
        }
    }

    private final Supplier<StatefulConnection<byte[], byte[]>> opener;
    private final boolean ownsConnection;
    private final AbstractRedisClient ownedClient;
    private final ClientResources ownedResources;
    private final Scripts scripts;
    private final long loadTimeoutNanos;
    private volatile Commands commands;
    private RuntimeException lastFailure;
    private long lastFailureNanos;
    private boolean closed;

    /**
     * @param opener opens the connection, throwing when it cannot within its bound
     * @param ownsConnection whether {@link #close()} closes the connection
     * @param ownedClient the client to shut down on close, or {@code null}
     * @param ownedResources the client resources to shut down on close, or {@code null}
     * @param scripts the scripts loaded into Redis after each open
     * @param loadTimeoutNanos how long loading the scripts may take
     */
    Connector(Supplier<StatefulConnection<byte[], byte[]>> opener, boolean ownsConnection,
            AbstractRedisClient ownedClient, ClientResources ownedResources, Scripts scripts, long loadTimeoutNanos) {
        this.opener = opener;
        this.ownsConnection = ownsConnection;
        this.ownedClient = ownedClient;
        this.ownedResources = ownedResources;
        this.scripts = scripts;
        this.loadTimeoutNanos = loadTimeoutNanos;
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** The commands, opening the connection first if it is not open yet; throws what opening threw. */
    Commands commands() {
        Commands current = commands;
        if (current != null) {
            return current;
        }
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the Redis store is closed");
            }
            if (commands == null) {
                if (lastFailure != null && System.nanoTime() - lastFailureNanos < RETRY_OPEN_AFTER_NANOS) {
                    throw lastFailure;
                }
                try {
                    Commands opened = Commands.of(opener.get());
                    loadScripts(opened);
                    commands = opened;
                    lastFailure = null;
                } catch (RuntimeException e) {
                    lastFailure = e;
                    lastFailureNanos = System.nanoTime();
                    throw e;
                }
            }
            return commands;
        }
    }

    /**
     * Loads every script, so that the first EVALSHA finds it. A failure is only logged: a script that is
     * missing later is loaded again by the call that needs it.
     */
    private void loadScripts(Commands opened) {
        List<RedisFuture<String>> loads = new ArrayList<>();
        for (Script script : scripts.all()) {
            loads.add(opened.scripting().scriptLoad(script.source()));
        }
        long deadline = System.nanoTime() + loadTimeoutNanos;
        for (RedisFuture<String> load : loads) {
            try {
                load.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                LOG.log(Level.DEBUG, "could not load the Idem scripts; each is loaded when first needed", e);
                return;
            }
        }
    }

    @Override
    public void close() {
        Commands open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = commands;
            commands = null;
        }
        if (open != null && ownsConnection) {
            open.connection().close();
        }
        if (ownedClient != null) {
            ownedClient.shutdown(0, 2, TimeUnit.SECONDS);
        }
        if (ownedResources != null) {
            ownedResources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
