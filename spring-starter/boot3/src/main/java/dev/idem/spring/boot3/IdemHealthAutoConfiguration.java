package dev.idem.spring.boot3;

import dev.idem.Idem;
import dev.idem.spring.boot.IdemAutoConfiguration;
import dev.idem.spring.boot.StoreHealth;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * On Spring Boot 3.5: the {@code idem} health indicator, up when the store answers a point read. Disabled with
 * {@code management.health.idem.enabled=false}; backs off when the application defines a bean named
 * {@code idemHealthIndicator}. Inactive on Boot 4, whose health API lives elsewhere.
 */
@AutoConfiguration(after = IdemAutoConfiguration.class,
        beforeName = "org.springframework.boot.actuate.autoconfigure.health.HealthContributorAutoConfiguration")
@ConditionalOnClass(name = "org.springframework.boot.actuate.health.HealthIndicator")
@ConditionalOnBean(Idem.class)
@ConditionalOnEnabledHealthIndicator("idem")
public final class IdemHealthAutoConfiguration {

    /** The indicator. */
    @Bean
    @ConditionalOnMissingBean(name = "idemHealthIndicator")
    HealthIndicator idemHealthIndicator(Idem idem) {
        return () -> {
            try {
                return Health.up().withDetails(StoreHealth.check(idem)).build();
            } catch (RuntimeException e) {
                return Health.down(e).withDetail("store", idem.store().toString()).build();
            }
        };
    }
}
