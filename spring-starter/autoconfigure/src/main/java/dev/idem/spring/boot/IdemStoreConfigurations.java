package dev.idem.spring.boot;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.InMemoryStore;
import javax.sql.DataSource;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Where the store comes from, first match wins, and never when the application defines its own
 * {@link IdempotencyStore} bean: the {@code idem.store} property, then the application's {@code DataSource}
 * (JDBC store), then its Lettuce Redis connection factory (Redis store).
 */
final class IdemStoreConfigurations {

    private IdemStoreConfigurations() {
    }

    /** {@code idem.store}: {@code memory}, a JDBC URL, or Redis URIs. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnProperty(name = "idem.store")
    @ConditionalOnMissingBean(IdempotencyStore.class)
    static final class Explicit {

        @Bean(destroyMethod = "close")
        IdempotencyStore idemStore(IdemProperties properties) {
            String store = properties.getStore().trim();
            if (store.equals("memory")) {
                return new InMemoryStore();
            }
            if (store.startsWith("jdbc:")) {
                return JdbcStores.onUrl(store, properties.getJdbc());
            }
            if (store.startsWith("redis://") || store.startsWith("rediss://") || store.startsWith("redis-sentinel://")) {
                return RedisStores.onUris(store, properties.getRedis());
            }
            throw new IllegalArgumentException("idem.store is '" + store + "': expected 'memory', a JDBC URL "
                    + "(jdbc:postgresql:..., jdbc:mariadb:..., jdbc:mysql:..., jdbc:h2:...) or a Redis URI (redis://, rediss://)");
        }
    }

    /** The application's {@code DataSource}: the JDBC store borrows its connections. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.idem.store.jdbc.JdbcStore")
    @ConditionalOnSingleCandidate(DataSource.class)
    @ConditionalOnMissingBean(IdempotencyStore.class)
    static final class FromDataSource {

        @Bean(destroyMethod = "close")
        IdempotencyStore idemStore(DataSource dataSource, IdemProperties properties) {
            return JdbcStores.onDataSource(dataSource, properties.getJdbc());
        }
    }

    /** The application's Lettuce connection factory: the Redis store opens a connection on its client. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"dev.idem.store.redis.RedisStore",
        "org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory"})
    @ConditionalOnSingleCandidate(LettuceConnectionFactory.class)
    @ConditionalOnMissingBean(IdempotencyStore.class)
    static final class FromRedis {

        @Bean(destroyMethod = "close")
        IdempotencyStore idemStore(LettuceConnectionFactory connections, IdemProperties properties) {
            return RedisStores.onConnectionFactory(connections, properties.getRedis());
        }
    }
}
