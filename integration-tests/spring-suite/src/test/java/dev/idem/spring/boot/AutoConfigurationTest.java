package dev.idem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Codec;
import dev.idem.Idem;
import dev.idem.JsonCodec;
import dev.idem.KeyExpressionParser;
import dev.idem.spring.IdemMetrics;
import dev.idem.spring.IdemObserver;
import dev.idem.spring.IdempotencyKeyFilter;
import dev.idem.spring.IdempotentAnnotationBeanPostProcessor;
import dev.idem.spring.SpelKeyExpressionParser;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.InMemoryStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/** One test per condition of each auto-configuration, on the Boot line the suite runs on. */
class AutoConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(BootLine.idem());

    private final ApplicationContextRunner memory = runner.withPropertyValues("idem.store=memory");

    @Test
    void withoutAnyStoreStartupFailsNamingTheProperty() {
        runner.run(context -> assertThat(context).hasFailed().getFailure()
                .rootCause().hasMessageContaining("Idem needs a store").hasMessageContaining("idem.store"));
    }

    @Test
    void memoryIsUsedOnlyWhenAskedFor() {
        memory.run(context -> {
            assertThat(context).hasSingleBean(Idem.class).hasSingleBean(IdempotencyStore.class);
            assertThat(context.getBean(IdempotencyStore.class)).isInstanceOf(InMemoryStore.class);
            assertThat(context.getBean(KeyExpressionParser.class)).isInstanceOf(SpelKeyExpressionParser.class);
            assertThat(context.getBean(Codec.class)).isInstanceOf(JsonCodec.class);
        });
    }

    @Test
    void anUnknownStoreFailsAtStartup() {
        runner.withPropertyValues("idem.store=mongodb://db").run(context -> assertThat(context).hasFailed()
                .getFailure().rootCause().hasMessageContaining("idem.store is 'mongodb://db'"));
    }

    @Test
    void theApplicationsOwnBeansWin() {
        InMemoryStore store = new InMemoryStore();
        Codec codec = JsonCodec.withMaxBytes(10);
        KeyExpressionParser parser = KeyExpressionParser.simple();
        runner.withBean(IdempotencyStore.class, () -> store).withBean(Codec.class, () -> codec)
                .withBean(KeyExpressionParser.class, () -> parser)
                .run(context -> {
                    assertThat(context.getBean(IdempotencyStore.class)).isSameAs(store);
                    assertThat(context.getBean(Codec.class)).isSameAs(codec);
                    assertThat(context.getBean(KeyExpressionParser.class)).isSameAs(parser);
                    assertThat(context.getBean(Idem.class).store()).isSameAs(store);
                });
        Idem own = Idem.builder().store(store).build();
        memory.withBean(Idem.class, () -> own).run(context -> assertThat(context.getBean(Idem.class)).isSameAs(own));
    }

    @Test
    void theStorePropertyWinsOverAnApplicationStoreOnlyWhenThereIsNone() {
        InMemoryStore store = new InMemoryStore();
        memory.withBean(IdempotencyStore.class, () -> store)
                .run(context -> assertThat(context.getBean(IdempotencyStore.class)).isSameAs(store));
    }

    @Test
    void idemEnabledFalseTurnsEverythingOff() {
        memory.withPropertyValues("idem.enabled=false").run(context -> assertThat(context)
                .doesNotHaveBean(Idem.class).doesNotHaveBean(IdempotentAnnotationBeanPostProcessor.class));
    }

    @Test
    void theAdvisorIsOnByDefaultAndBacksOff() {
        memory.run(context -> assertThat(context).hasSingleBean(IdempotentAnnotationBeanPostProcessor.class));
        memory.withPropertyValues("idem.aop.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(IdempotentAnnotationBeanPostProcessor.class));
        memory.withUserConfiguration(OwnPostProcessor.class).run(context -> assertThat(context)
                .getBeanNames(IdempotentAnnotationBeanPostProcessor.class).containsExactly("ownPostProcessor"));
    }

    @Test
    void theFilterIsRegisteredInServletApplicationsOnly() {
        WebApplicationContextRunner web = new WebApplicationContextRunner().withConfiguration(BootLine.idem())
                .withPropertyValues("idem.store=memory");
        web.run(context -> assertThat(context).hasSingleBean(IdempotencyKeyFilter.class));
        web.withPropertyValues("idem.http.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(IdempotencyKeyFilter.class));
        web.withUserConfiguration(OwnFilter.class).run(context -> assertThat(context)
                .getBeanNames(IdempotencyKeyFilter.class).containsExactly("ownFilter"));
        memory.run(context -> assertThat(context).doesNotHaveBean(IdempotencyKeyFilter.class));
    }

    @Test
    void metricsNeedAMeterRegistryAndBackOffForAnotherObserver() {
        memory.run(context -> assertThat(context).doesNotHaveBean(IdemObserver.class));
        ApplicationContextRunner withRegistry = memory.withBean(MeterRegistry.class, SimpleMeterRegistry::new);
        withRegistry.run(context -> assertThat(context).hasSingleBean(IdemMetrics.class));
        withRegistry.withBean(IdemObserver.class, IdemObserver::none).run(context -> assertThat(context)
                .doesNotHaveBean(IdemMetrics.class).hasSingleBean(IdemObserver.class));
    }

    @Test
    void theEndpointIsCreatedWhenExposed() {
        memory.run(context -> assertThat(context).doesNotHaveBean(IdempotencyEndpoint.class));
        memory.withPropertyValues("management.endpoints.web.exposure.include=idempotency")
                .run(context -> assertThat(context).hasSingleBean(IdempotencyEndpoint.class));
        memory.withPropertyValues("management.endpoints.web.exposure.include=idempotency",
                "management.endpoints.web.exposure.exclude=idempotency")
                .run(context -> assertThat(context).doesNotHaveBean(IdempotencyEndpoint.class));
    }

    @Test
    void theHealthIndicatorOfThisBootLineIsActiveAndCanBeTurnedOff() {
        memory.run(context -> {
            assertThat(context).hasBean("idemHealthIndicator");
            assertThat(context.getBean("idemHealthIndicator").getClass().getName())
                    .startsWith(BootLine.health(BootLine.CURRENT).getName());
        });
        memory.withPropertyValues("management.health.idem.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("idemHealthIndicator"));
        runner.withPropertyValues("idem.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean("idemHealthIndicator"));
    }

    @Test
    void propertyDefaultsMatchTheLibraryDefaults() {
        IdemProperties properties = new IdemProperties();
        assertThat(properties.getCodec().getMaxBytes()).isEqualTo(JsonCodec.DEFAULT_MAX_BYTES);
        assertThat(properties.getHttp().getHeader()).isEqualTo(IdempotencyKeyFilter.DEFAULT_HEADER);
        assertThat(properties.getHttp().getReplayedHeader()).isEqualTo(IdempotencyKeyFilter.DEFAULT_REPLAYED_HEADER);
        assertThat(properties.getHttp().getMaxBodyBytes()).isEqualTo(IdempotencyKeyFilter.DEFAULT_MAX_BODY_BYTES);
        assertThat(properties.getHttp().getFilterOrder()).isEqualTo(IdempotencyKeyFilter.DEFAULT_ORDER);
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnPostProcessor {
        @Bean
        static IdempotentAnnotationBeanPostProcessor ownPostProcessor() {
            return new IdempotentAnnotationBeanPostProcessor(() -> {
                throw new IllegalStateException("unused");
            }, IdemObserver::none);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class OwnFilter {
        @Bean
        IdempotencyKeyFilter ownFilter(Idem idem) {
            return new IdempotencyKeyFilter(idem, () -> List.<RequestMappingHandlerMapping>of(), IdemObserver::none);
        }
    }
}
