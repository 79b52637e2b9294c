package dev.idem.spring.boot;

import dev.idem.spring.IdemMetrics;
import dev.idem.spring.IdemObserver;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Micrometer metrics ({@link IdemMetrics}) when the application has a {@link MeterRegistry}: calls by outcome,
 * replays, in-progress rejections, mismatches, retries, deferrals, dead calls and store latency. Backs off
 * when the application defines its own {@link IdemObserver}.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration"},
        before = IdemAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
@ConditionalOnBean(MeterRegistry.class)
@ConditionalOnBooleanProperty(name = "idem.enabled", matchIfMissing = true)
public final class IdemMetricsAutoConfiguration {

    /** The metrics. */
    @Bean
    @ConditionalOnMissingBean(IdemObserver.class)
    IdemMetrics idemMetrics(MeterRegistry registry) {
        return new IdemMetrics(registry);
    }
}
