package dev.idem.agent.engine;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.InMemoryStore;
import dev.idem.store.jdbc.JdbcStore;
import dev.idem.store.redis.RedisStore;
import java.util.List;

/** Opens the store that {@code idem.store} names; {@link Settings} has already checked its form. */
final class Stores {

    private Stores() {
    }

    /**
     * The store. A durable store is opened through {@link ConnectingStore}, so that one that is down at
     * startup makes calls fail closed until it is back instead of stopping the agent.
     */
    static IdempotencyStore open(Settings settings) {
        String store = settings.store();
        if (store.equals("memory")) {
            return new InMemoryStore();
        }
        if (store.startsWith("jdbc:")) {
            return new ConnectingStore(settings.storeForLog(), () -> jdbc(settings, store));
        }
        if (store.startsWith("redis")) {
            return new ConnectingStore(settings.storeForLog(), () -> redis(settings));
        }
        throw new IllegalArgumentException("setting " + Settings.STORE + " is '" + settings.storeForLog()
                + "', which this agent cannot open");
    }

    private static IdempotencyStore redis(Settings settings) {
        List<String> uris = settings.redisUris();
        RedisStore.Builder builder = RedisStore.builder()
                .keyPrefix(settings.redisKeyPrefix())
                .commandTimeout(settings.redisTimeout());
        if (uris.size() > 1 || settings.redisCluster()) {
            builder.cluster(uris);
        } else {
            builder.uri(uris.get(0));
        }
        return builder.build();
    }

    private static IdempotencyStore jdbc(Settings settings, String url) {
        JdbcStore.Builder builder = JdbcStore.builder()
                .url(url)
                .tablePrefix(settings.tablePrefix())
                .createSchema(settings.createSchema(url.startsWith("jdbc:h2:")))
                .poolSize(settings.jdbcPoolSize())
                .queryTimeout(settings.jdbcTimeout())
                .poolName("idem-agent");
        if (settings.user() != null) {
            builder.user(settings.user());
        }
        if (settings.password() != null) {
            builder.password(settings.password());
        }
        return builder.build();
    }
}
