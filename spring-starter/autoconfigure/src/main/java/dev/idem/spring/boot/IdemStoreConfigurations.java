package dev.idem.spring.boot;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.InMemoryStore;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where the store comes from, first match wins, and never when the application defines its own
 * {@link IdempotencyStore} bean: the {@code idem.store} property, then the application's
 * {@code DataSource}, then its Redis connection.
 */
final class IdemStoreConfigurations {

    private IdemStoreConfigurations() {
    }

    /** {@code idem.store}: {@code memory}, a JDBC URL or a Redis URI. */
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
            throw new IllegalArgumentException("idem.store is '" + store + "': expected 'memory', a JDBC URL "
                    + "(jdbc:postgresql:..., jdbc:mariadb:..., jdbc:mysql:..., jdbc:h2:...) or a Redis URI (redis://, rediss://)");
        }
    }
}
