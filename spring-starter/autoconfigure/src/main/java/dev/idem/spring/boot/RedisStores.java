package dev.idem.spring.boot;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.redis.RedisStore;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.RedisClusterClient;
import java.util.ArrayList;
import java.util.List;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.util.ClassUtils;

/** Builds the Redis store; loaded only when idem-store-redis and Lettuce are on the class path. */
final class RedisStores {

    private RedisStores() {
    }

    /** A store on the Lettuce client of the application's connection factory; it opens one connection of its own. */
    static IdempotencyStore onConnectionFactory(LettuceConnectionFactory factory, IdemProperties.Redis redis) {
        AbstractRedisClient client = factory.getRequiredNativeClient();
        RedisStore.Builder builder = RedisStore.builder();
        if (client instanceof RedisClusterClient cluster) {
            builder.client(cluster);
        } else if (client instanceof RedisClient standalone) {
            builder.client(standalone);
        } else {
            throw new IllegalStateException("the application's Redis client is a " + client.getClass().getName()
                    + ", which the Redis store cannot use; set idem.store to a redis:// URI");
        }
        return builder.keyPrefix(redis.getKeyPrefix()).commandTimeout(redis.getCommandTimeout()).build();
    }

    /** A store with its own client on {@code uris} (comma-separated; several make a Redis Cluster). */
    static IdempotencyStore onUris(String uris, IdemProperties.Redis redis) {
        if (!ClassUtils.isPresent("dev.idem.store.redis.RedisStore", RedisStores.class.getClassLoader())
                || !ClassUtils.isPresent("io.lettuce.core.RedisClient", RedisStores.class.getClassLoader())) {
            throw new IllegalStateException("idem.store is a Redis URI but the Redis store is not on the class path; "
                    + "add dev.idem:idem-store-redis and io.lettuce:lettuce-core (spring-boot-starter-data-redis brings it)");
        }
        List<String> seeds = new ArrayList<>();
        for (String uri : uris.split(",")) {
            if (!uri.isBlank()) {
                seeds.add(uri.trim());
            }
        }
        RedisStore.Builder builder = RedisStore.builder();
        if (seeds.size() > 1 || redis.isCluster()) {
            builder.cluster(seeds);
        } else {
            builder.uri(seeds.get(0));
        }
        return builder.keyPrefix(redis.getKeyPrefix()).commandTimeout(redis.getCommandTimeout()).build();
    }
}
