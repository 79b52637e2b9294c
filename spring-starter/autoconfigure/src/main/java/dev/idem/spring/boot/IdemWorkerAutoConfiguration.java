package dev.idem.spring.boot;

import dev.idem.DeferredWorker;
import dev.idem.Idem;
import java.lang.reflect.Method;
import org.springframework.beans.factory.NoUniqueBeanDefinitionException;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.util.ClassUtils;

/**
 * The worker that runs deferred calls when they are due, on the application's beans: a job re-invokes its
 * method on the bean of the method's class, through its proxy, so idempotency, retries and
 * {@code @Transactional} apply as on a first call. Started with the context and stopped gracefully with
 * it. Backs off with {@code idem.worker.enabled=false} or when the application defines its own
 * {@link DeferredWorker}.
 */
@AutoConfiguration(after = IdemAopAutoConfiguration.class)
@ConditionalOnBean(Idem.class)
@ConditionalOnBooleanProperty(name = "idem.worker.enabled", matchIfMissing = true)
public final class IdemWorkerAutoConfiguration {

    /** The worker. */
    @Bean(initMethod = "start", destroyMethod = "close")
    @ConditionalOnMissingBean
    DeferredWorker idemDeferredWorker(Idem idem, IdemProperties properties, ApplicationContext context) {
        IdemProperties.Worker worker = properties.getWorker();
        return DeferredWorker.builder(idem)
                .threads(worker.getThreads())
                .pollInterval(worker.getPollInterval())
                .batchSize(worker.getBatchSize())
                .shutdownTimeout(worker.getShutdownTimeout())
                .targets(new BeanTargets(context))
                .build();
    }

    /** Deferred calls run on the application's beans; classes come from the application's class loader. */
    static final class BeanTargets implements DeferredWorker.Targets {
        private final ApplicationContext context;

        BeanTargets(ApplicationContext context) {
            this.context = context;
        }

        @Override
        public Class<?> loadClass(String name) throws ClassNotFoundException {
            return ClassUtils.forName(name, context.getClassLoader());
        }

        @Override
        public Object target(Method method) {
            try {
                return context.getBeanProvider(method.getDeclaringClass()).getIfUnique();
            } catch (NoUniqueBeanDefinitionException several) {
                return null;
            }
        }
    }
}
