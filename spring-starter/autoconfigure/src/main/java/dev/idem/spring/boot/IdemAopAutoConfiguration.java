package dev.idem.spring.boot;

import dev.idem.Idem;
import dev.idem.spring.IdemObserver;
import dev.idem.spring.IdempotentAnnotationBeanPostProcessor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;

/**
 * The advisor for Idem's {@code @Idempotent} and {@code @Retryable}: beans with annotated methods are proxied
 * (or, when the Idem javaagent runs, only validated), with idempotency outside retries outside
 * {@code @Transactional}. Backs off when the application defines its own
 * {@link IdempotentAnnotationBeanPostProcessor}, or with {@code idem.aop.enabled=false}.
 */
@AutoConfiguration(after = IdemAutoConfiguration.class)
@ConditionalOnBean(Idem.class)
@ConditionalOnBooleanProperty(name = "idem.aop.enabled", matchIfMissing = true)
public final class IdemAopAutoConfiguration {

    /** The post-processor; static, so that it does not make this configuration an early bean. */
    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnMissingBean
    static IdempotentAnnotationBeanPostProcessor idempotentAnnotationBeanPostProcessor(ObjectProvider<Idem> idem,
            ObjectProvider<IdemObserver> observer) {
        return new IdempotentAnnotationBeanPostProcessor(idem::getObject, () -> observer.getIfAvailable(IdemObserver::none));
    }
}
