package dev.idem.spring.boot;

import dev.idem.Idem;
import dev.idem.spring.IdemObserver;
import dev.idem.spring.IdempotencyKeyFilter;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

/**
 * The {@code Idempotency-Key} filter for Spring MVC handlers annotated with
 * {@link dev.idem.spring.IdempotentRequest}, in servlet web applications. Backs off when the application
 * defines its own {@link IdempotencyKeyFilter}, or with {@code idem.http.enabled=false}.
 */
@AutoConfiguration(after = IdemAutoConfiguration.class, afterName = {
    "org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration",
    "org.springframework.boot.webmvc.autoconfigure.WebMvcAutoConfiguration"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({DispatcherServlet.class, IdempotencyKeyFilter.class})
@ConditionalOnBean(Idem.class)
@ConditionalOnBooleanProperty(name = "idem.http.enabled", matchIfMissing = true)
public final class IdemWebMvcAutoConfiguration {

    /** The filter, registered for every request; it only acts on annotated handlers. */
    @Bean
    @ConditionalOnMissingBean
    IdempotencyKeyFilter idempotencyKeyFilter(Idem idem, IdemProperties properties,
            ObjectProvider<RequestMappingHandlerMapping> mappings, ObjectProvider<IdemObserver> observer) {
        IdempotencyKeyFilter filter = new IdempotencyKeyFilter(idem, () -> mappings.orderedStream().toList(),
                () -> observer.getIfAvailable(IdemObserver::none));
        IdemProperties.Http http = properties.getHttp();
        filter.setHeader(http.getHeader());
        filter.setReplayedHeader(http.getReplayedHeader());
        filter.setMaxBodyBytes(http.getMaxBodyBytes());
        filter.setOrder(http.getFilterOrder());
        return filter;
    }
}
