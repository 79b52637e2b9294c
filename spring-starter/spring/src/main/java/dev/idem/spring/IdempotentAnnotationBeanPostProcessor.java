package dev.idem.spring;

import dev.idem.Idem;
import dev.idem.annotation.IdempotencyConfigurationException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.framework.autoproxy.AbstractBeanFactoryAwareAdvisingPostProcessor;
import org.springframework.aop.support.DefaultPointcutAdvisor;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.util.ReflectionUtils;

/**
 * Proxies the beans that have methods annotated with Idem's {@code @Idempotent} or {@code @Retryable}, with
 * no AspectJ: one advisor, placed before every advisor the bean already has, so idempotency is outermost,
 * then Idem's retries, then inner advisors such as {@code @Transactional} (one transaction per attempt,
 * none for a replay).
 *
 * <p>Each annotated method is registered with the engine when its bean is created, so a bad annotation or
 * key expression stops the application at startup, naming the method. So does a method that a proxy
 * cannot intercept (private, static or final), and a method that also carries Spring Framework 7's own
 * {@code @org.springframework.resilience.annotation.Retryable}: two retry loops would nest.
 *
 * <p>When the Idem javaagent runs in the same JVM and has woven a bean's class, this post-processor only
 * validates that bean and does not proxy it: each call is intercepted once. Classes the agent left alone
 * (for example outside its {@code idem.instrument.include}) are proxied as usual.
 *
 * <p>Proxies are class-based (CGLIB). Calls from a bean to its own methods do not pass through the proxy,
 * as with {@code @Transactional}. Thread-safe once configured.
 */
public final class IdempotentAnnotationBeanPostProcessor extends AbstractBeanFactoryAwareAdvisingPostProcessor {

    private static final System.Logger LOG = System.getLogger(IdempotentAnnotationBeanPostProcessor.class.getName());
    private static final String AGENT_BRIDGE = "dev.idem.agent.bootstrap.IdemBridge";

    private final IdemMethodInterceptor interceptor;
    private final Predicate<Class<?>> wovenByAgent;

    /**
     * A post-processor that proxies annotated beans unless the Idem agent running in this JVM wove them.
     *
     * @param idem the engine, asked for when the first annotated bean is created
     * @param observer what hears about each call, asked for at each call
     */
    public IdempotentAnnotationBeanPostProcessor(Supplier<Idem> idem, Supplier<IdemObserver> observer) {
        this(idem, observer, agentWeaving());
    }

    IdempotentAnnotationBeanPostProcessor(Supplier<Idem> idem, Supplier<IdemObserver> observer,
            Predicate<Class<?>> wovenByAgent) {
        this.interceptor = new IdemMethodInterceptor(Objects.requireNonNull(idem, "idem"),
                Objects.requireNonNull(observer, "observer"));
        this.wovenByAgent = Objects.requireNonNull(wovenByAgent, "wovenByAgent");
        setBeforeExistingAdvisors(true);
        setProxyTargetClass(true);
    }

    /** Whether the Idem javaagent has put its bridge on the bootstrap class path of this JVM. */
    public static boolean agentRunning() {
        try {
            Class.forName(AGENT_BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Which classes the agent running in this JVM wove (it says so through its bridge); none without it. */
    private static Predicate<Class<?>> agentWeaving() {
        try {
            Method woven = Class.forName(AGENT_BRIDGE, false, null).getMethod("woven", Class.class);
            return type -> {
                try {
                    return (Boolean) woven.invoke(null, type);
                } catch (ReflectiveOperationException e) {
                    return false;
                }
            };
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            return type -> false;
        }
    }

    @Override
    public void setBeanFactory(BeanFactory beanFactory) {
        super.setBeanFactory(beanFactory);
        this.advisor = new DefaultPointcutAdvisor(new IdemPointcut(), interceptor);
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
        List<Method> annotated = annotatedMethods(targetClass);
        if (annotated.isEmpty()) {
            return bean;
        }
        boolean proxy = !wovenByAgent.test(targetClass);
        for (Method method : annotated) {
            validate(method, targetClass, proxy);
            if (proxy) {
                interceptor.register(method, targetClass);
            }
        }
        if (!proxy) {
            LOG.log(Level.DEBUG, "{0} is woven by the Idem agent; not proxied, so each call is intercepted once", beanName);
            return bean;
        }
        return super.postProcessAfterInitialization(bean, beanName);
    }

    private static List<Method> annotatedMethods(Class<?> targetClass) {
        List<Method> annotated = new ArrayList<>();
        for (Method method : ReflectionUtils.getUniqueDeclaredMethods(targetClass, ReflectionUtils.USER_DECLARED_METHODS)) {
            if (IdemAnnotations.guarded(method)) {
                annotated.add(method);
            }
        }
        return annotated;
    }

    private static void validate(Method method, Class<?> targetClass, boolean proxy) {
        String name = IdemAnnotations.describe(method);
        if (method.isAnnotationPresent(dev.idem.annotation.Retryable.class)
                && IdemAnnotations.springRetryable(method, targetClass)) {
            throw new IdempotencyConfigurationException(name + " carries both @dev.idem.annotation.Retryable and Spring's "
                    + "@org.springframework.resilience.annotation.Retryable (on the method or its class): the two "
                    + "retry loops would nest and Spring's would run outside Idem's claim. Keep Idem's, which retries "
                    + "inside one claim and can defer, or Spring's alone", null);
        }
        String blocked = proxy ? IdemAnnotations.notProxiable(method) : null;
        if (blocked != null) {
            throw new IdempotencyConfigurationException(name + " is " + blocked + ", so a Spring proxy cannot intercept "
                    + "it and its @Idempotent or @Retryable would silently do nothing; make it a public, non-final "
                    + "instance method, or run the Idem javaagent, which weaves such methods", null);
        }
    }
}
