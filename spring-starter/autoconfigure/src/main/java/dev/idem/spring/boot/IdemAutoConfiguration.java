package dev.idem.spring.boot;

import dev.idem.Codec;
import dev.idem.Idem;
import dev.idem.JsonCodec;
import dev.idem.KeyExpressionParser;
import dev.idem.TransitionListener;
import dev.idem.spring.IdemObserver;
import dev.idem.spring.SpelKeyExpressionParser;
import dev.idem.store.IdempotencyStore;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/**
 * The Idem engine: a store (see {@link IdemStoreConfigurations}), the JSON codec, SpEL key expressions and
 * the observer that metrics plug into. Each bean backs off when the application defines its own. Runs
 * after the application's {@code DataSource} and Redis connection are configured, on Boot 3.5 and 4.0.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
    "org.springframework.boot.autoconfigure.data.redis.RedisAutoConfiguration",
    "org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration"})
@ConditionalOnBooleanProperty(name = "idem.enabled", matchIfMissing = true)
@EnableConfigurationProperties(IdemProperties.class)
@Import({IdemStoreConfigurations.Explicit.class, IdemStoreConfigurations.FromDataSource.class,
    IdemStoreConfigurations.FromRedis.class})
public final class IdemAutoConfiguration {

    /** Full SpEL for key expressions, with parameter names and {@code @bean} references. */
    @Bean
    @ConditionalOnMissingBean
    KeyExpressionParser idemKeyExpressionParser(BeanFactory beanFactory) {
        return new SpelKeyExpressionParser(beanFactory);
    }

    /** Idem's JSON codec with {@code idem.codec.max-bytes}; independent of the application's web mapper. */
    @Bean
    @ConditionalOnMissingBean
    Codec idemCodec(IdemProperties properties) {
        return JsonCodec.withMaxBytes(properties.getCodec().getMaxBytes());
    }

    /** The engine. */
    @Bean
    @ConditionalOnMissingBean
    Idem idem(IdemProperties properties, ObjectProvider<IdempotencyStore> store, Codec codec,
            KeyExpressionParser expressions, ObjectProvider<IdemObserver> observer,
            ObjectProvider<TransitionListener> listeners) {
        IdempotencyStore available = store.getIfUnique();
        if (available == null) {
            throw new IllegalStateException("Idem needs a store and found " + (store.stream().count() > 1
                    ? "several IdempotencyStore beans; mark one @Primary" : "none: no DataSource, no Redis connection and "
                    + "no idem.store property. Set idem.store to a JDBC URL, a redis:// URI or 'memory' (this JVM only), "
                    + "or define a DataSource or an IdempotencyStore bean"));
        }
        Idem.Builder builder = Idem.builder()
                .store(observer.getIfAvailable(IdemObserver::none).observe(available))
                .codec(codec)
                .expressions(expressions)
                .renewLeases(properties.isRenewLeases())
                .purgeInterval(properties.getPurgeInterval());
        if (properties.getNode() != null && !properties.getNode().isBlank()) {
            builder.node(properties.getNode());
        }
        listeners.orderedStream().forEach(builder::listener);
        return builder.build();
    }
}
