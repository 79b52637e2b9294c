package dev.idem.spring.boot;

import dev.idem.Idem;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * The {@code idempotency} Actuator endpoint ({@link IdempotencyEndpoint}), when Actuator is present and the
 * endpoint is available (exposed with {@code management.endpoints.web.exposure.include=idempotency}). Backs
 * off when the application defines its own endpoint bean.
 */
@AutoConfiguration(after = IdemAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnBean(Idem.class)
@ConditionalOnAvailableEndpoint(endpoint = IdempotencyEndpoint.class)
public final class IdemEndpointAutoConfiguration {

    /** The endpoint. */
    @Bean
    @ConditionalOnMissingBean
    IdempotencyEndpoint idempotencyEndpoint(Idem idem) {
        return new IdempotencyEndpoint(idem.audit());
    }
}
