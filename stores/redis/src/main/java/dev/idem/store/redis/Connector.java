package dev.idem.store.redis;

import dev.idem.IdemLogging;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisFunctionAsyncCommands;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.api.async.RedisServerAsyncCommands;
import io.lettuce.core.api.async.RedisSortedSetAsyncCommands;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.resource.ClientResources;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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

    private static final System.Logger LOG = IdemLogging.logger(Connector.class.getName());
    private static final long RETRY_OPEN_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /**
     * The commands the store sends, on one connection.
     *
     * @param scripting EVAL, EVALSHA and SCRIPT LOAD (broadcast to every master of a cluster)
     * @param functions FCALL, or {@code null} when the store runs its operations as scripts
     * @param sortedSets the reads of the indexes
     * @param server TIME, INFO and the other server commands
     * @param connection the connection they run on
     */
    record Commands(RedisScriptingAsyncCommands<byte[], byte[]> scripting,
            RedisFunctionAsyncCommands<byte[], byte[]> functions, RedisSortedSetAsyncCommands<byte[], byte[]> sortedSets,
            RedisServerAsyncCommands<byte[], byte[]> server, StatefulConnection<byte[], byte[]> connection) {

        static Commands of(StatefulConnection<byte[], byte[]> connection, boolean functions) {
            if (connection instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster) {
                var async = cluster.async();
                return new Commands(async, functions ? async : null, async, async, connection);
            }
            if (connection instanceof StatefulRedisConnection<byte[], byte[]> standalone) {
                var async = standalone.async();
                return new Commands(async, functions ? async : null, async, async, connection);
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
    private final AtomicLong lastLibraryLoad = new AtomicLong(System.nanoTime() - RETRY_OPEN_AFTER_NANOS);
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
                    StatefulConnection<byte[], byte[]> connection = opener.get();
                    boolean functions = scripts.library != null && loadLibrary(connection);
                    Commands opened = Commands.of(connection, functions);
                    if (!functions) {
                        loadScripts(opened);
                    }
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
     * Loads the store's library on every master, unless it is there already. Redis before 7.0, or a user
     * whom the ACL refuses {@code FUNCTION LOAD}, leaves the store on scripts. Any other failure (a
     * timeout, a master still loading its data) does not: calls meet "Function not found", run as scripts
     * and send the library again until it is there.
     *
     * @return whether the store calls functions
     */
    private boolean loadLibrary(StatefulConnection<byte[], byte[]> connection) {
        long deadline = System.nanoTime() + loadTimeoutNanos;
        try {
            for (CompletableFuture<String> load : sendLibrary(connection)) {
                try {
                    load.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    if (!alreadyLoaded(e.getCause())) {
                        throw e;
                    }
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        } catch (Exception e) {
            if (refusesFunctions(e.getCause() == null ? e : e.getCause())) {
                LOG.log(Level.INFO, "Redis does not take FUNCTION LOAD ({0}); the Idem store runs its operations as "
                        + "scripts (EVALSHA)", e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
                return false;
            }
            LOG.log(Level.DEBUG, "loading the Idem library " + scripts.libraryName + " failed at connect; each "
                    + "call that meets \"Function not found\" runs as a script and sends the library again", e);
            return true;
        }
    }

    /** Whether Redis has no functions (before 7.0) or this user may not load them. */
    private static boolean refusesFunctions(Throwable failure) {
        String message = String.valueOf(failure.getMessage());
        return failure instanceof RedisCommandExecutionException
                && (message.startsWith("ERR unknown command") || message.startsWith("ERR unknown subcommand")
                        || message.startsWith("NOPERM"));
    }

    /**
     * Sends the library again to every master, at most once per {@link #RETRY_OPEN_AFTER_NANOS}, without
     * waiting: a master that answered "Function not found" (a new or flushed master) gets it back while
     * the calls that met it run as scripts.
     */
    void libraryLost() {
        Commands current = commands;
        long now = System.nanoTime();
        long last = lastLibraryLoad.get();
        if (current == null || current.functions() == null || now - last < RETRY_OPEN_AFTER_NANOS
                || !lastLibraryLoad.compareAndSet(last, now)) {
            return;
        }
        for (CompletableFuture<String> load : sendLibrary(current.connection())) {
            load.whenComplete((done, failure) -> {
                if (failure != null && !alreadyLoaded(failure)) {
                    LOG.log(Level.DEBUG, "could not load the Idem library again; calls run as scripts until it is", failure);
                }
            });
        }
    }

    private List<CompletableFuture<String>> sendLibrary(StatefulConnection<byte[], byte[]> connection) {
        List<CompletableFuture<String>> loads = new ArrayList<>();
        if (connection instanceof StatefulRedisClusterConnection<byte[], byte[]> cluster) {
            for (RedisClusterNode node : cluster.getPartitions()) {
                if (node.is(RedisClusterNode.NodeFlag.UPSTREAM)) {
                    loads.add(cluster.getConnectionAsync(node.getNodeId())
                            .thenCompose(master -> master.async().functionLoad(scripts.library).toCompletableFuture()));
                }
            }
        } else {
            loads.add(((StatefulRedisConnection<byte[], byte[]>) connection).async().functionLoad(scripts.library)
                    .toCompletableFuture());
        }
        return loads;
    }

    private static boolean alreadyLoaded(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return cause instanceof RedisCommandExecutionException && String.valueOf(cause.getMessage()).contains("already exists");
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
