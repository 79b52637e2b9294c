package dev.idem.store.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Creates the Lettuce clients the store owns, configured to fail fast and recover by themselves: commands
 * time out after the command timeout, are refused at once while the connection is down, and the
 * connection reconnects with a delay that doubles from 10 ms up to the maximum. A cluster client also
 * follows topology changes (MOVED/ASK redirects, failed reconnects, and every minute). Immutable and
 * thread-safe.
 *
 * @param commandTimeout the command timeout
 * @param connectTimeout the bound on opening a connection
 * @param maxReconnectDelay the longest pause between reconnection attempts
 */
record Clients(Duration commandTimeout, Duration connectTimeout, Duration maxReconnectDelay) {

    static final Duration MIN_RECONNECT_DELAY = Duration.ofMillis(10);

    /** A connector with its own client for a standalone Redis (or one found through Sentinel). */
    Connector standalone(RedisURI uri, Scripts scripts) {
        ClientResources resources = resources();
        RedisURI withTimeout = RedisURI.builder(uri).withTimeout(commandTimeout).build();
        RedisClient client = RedisClient.create(resources, withTimeout);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socketOptions()).timeoutOptions(TimeoutOptions.enabled(commandTimeout)).build());
        return new Connector(() -> open(client.connectAsync(ByteArrayCodec.INSTANCE, withTimeout)), true, client,
                resources, scripts, commandTimeout.toNanos());
    }

    /** A connector with its own client for a Redis Cluster. */
    Connector cluster(List<RedisURI> seeds, Scripts scripts) {
        ClientResources resources = resources();
        List<RedisURI> withTimeouts = new ArrayList<>();
        for (RedisURI seed : seeds) {
            withTimeouts.add(RedisURI.builder(seed).withTimeout(commandTimeout).build());
        }
        RedisClusterClient client = RedisClusterClient.create(resources, withTimeouts);
        client.setOptions(ClusterClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(socketOptions()).timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder().enableAllAdaptiveRefreshTriggers()
                        .enablePeriodicRefresh(Duration.ofMinutes(1)).build())
                .build());
        return new Connector(() -> open(connectCluster(client)), true, client, resources, scripts,
                commandTimeout.toNanos());
    }

    /** A connector that opens its own connection on the application's client, with the client's settings. */
    Connector onClient(RedisClient client, Scripts scripts) {
        return new Connector(() -> client.connect(ByteArrayCodec.INSTANCE), true, null, null, scripts,
                commandTimeout.toNanos());
    }

    /** A connector that opens its own connection on the application's cluster client. */
    Connector onClient(RedisClusterClient client, Scripts scripts) {
        return new Connector(() -> open(connectCluster(client)), true, null, null, scripts, commandTimeout.toNanos());
    }

    /** A connector on the application's connection, which it never closes. */
    Connector onConnection(StatefulConnection<byte[], byte[]> connection, Scripts scripts) {
        return new Connector(() -> connection, false, null, null, scripts, commandTimeout.toNanos());
    }

    private ClientResources resources() {
        return ClientResources.builder()
                .reconnectDelay(Delay.exponential(MIN_RECONNECT_DELAY, maxReconnectDelay, 2, TimeUnit.MILLISECONDS))
                .build();
    }

    private SocketOptions socketOptions() {
        return SocketOptions.builder().connectTimeout(connectTimeout).keepAlive(true).build();
    }

    /** Reads the cluster's topology, which an asynchronous connect needs first, then connects. */
    private static CompletionStage<StatefulRedisClusterConnection<byte[], byte[]>> connectCluster(
            RedisClusterClient client) {
        return client.refreshPartitionsAsync().thenCompose(ignored -> client.connectAsync(ByteArrayCodec.INSTANCE));
    }

    /** Waits for a connection at most the connect timeout plus the command timeout (for the handshake). */
    private <C extends StatefulConnection<byte[], byte[]>> StatefulConnection<byte[], byte[]> open(
            CompletionStage<C> opening) {
        CompletableFuture<C> future = opening.toCompletableFuture();
        long timeoutNanos = connectTimeout.plus(commandTimeout).toNanos();
        try {
            return future.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisConnectionException("interrupted while connecting", e);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (TimeoutException e) {
            future.whenComplete((opened, failure) -> {
                if (opened != null) {
                    opened.closeAsync();
                }
            });
            throw new RedisConnectionException("could not connect within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos)
                    + " ms", e);
        }
    }
}
