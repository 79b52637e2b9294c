package dev.idem.spring;

import dev.idem.Idem;
import dev.idem.IdempotentMethod;
import dev.idem.MethodCall;
import dev.idem.spring.IdemObserver.Outcome;
import dev.idem.spring.IdemObserver.Source;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.aopalliance.intercept.MethodInterceptor;
import org.aopalliance.intercept.MethodInvocation;
import org.springframework.aop.ProxyMethodInvocation;
import org.springframework.aop.support.AopUtils;
import org.springframework.core.MethodClassKey;

/**
 * Runs each call of an {@code @Idempotent} or {@code @Retryable} method through the engine:
 * idempotency outermost (one claim per call), then the retries, each attempt proceeding down the rest of
 * the advisor chain, so a {@code @Transactional} advisor inside opens one transaction per attempt and
 * none for a replay. Thread-safe.
 */
final class IdemMethodInterceptor implements MethodInterceptor {

    private final Supplier<Idem> idem;
    private final Supplier<IdemObserver> observer;
    private final Map<MethodClassKey, Registered> methods = new ConcurrentHashMap<>();

    private record Registered(IdempotentMethod method, String name) {
    }

    IdemMethodInterceptor(Supplier<Idem> idem, Supplier<IdemObserver> observer) {
        this.idem = idem;
        this.observer = observer;
    }

    @Override
    public Object invoke(MethodInvocation invocation) throws Throwable {
        Object target = invocation.getThis();
        Registered registered = registered(invocation.getMethod(), target);
        IdemObserver observer = this.observer.get();
        MethodCall call;
        try {
            call = registered.method.begin(target, invocation.getArguments());
        } catch (RuntimeException refused) {
            observer.onCall(registered.name, Source.METHOD, Outcomes.of(refused, false));
            throw refused;
        }
        if (!call.proceed()) {
            observer.onCall(registered.name, Source.METHOD, Outcome.REPLAYED);
            return call.result();
        }
        boolean again;
        do {
            Object returned = null;
            Throwable thrown = null;
            try {
                returned = attempt(invocation);
            } catch (Throwable failure) {
                thrown = failure;
            }
            again = call.afterAttempt(returned, thrown);
            if (again) {
                observer.onRetry(registered.name);
            }
        } while (again);
        try {
            Object result = call.result();
            observer.onCall(registered.name, Source.METHOD, Outcome.EXECUTED);
            return result;
        } catch (Throwable failure) {
            observer.onCall(registered.name, Source.METHOD, Outcomes.of(failure, true));
            throw failure;
        }
    }

    /**
     * Registers {@code method} (as found on {@code targetClass}) with the engine, once.
     *
     * @throws dev.idem.annotation.IdempotencyConfigurationException when an annotation is invalid
     */
    void register(Method method, Class<?> targetClass) {
        registered(method, targetClass);
    }

    private Registered registered(Method method, Object target) {
        return registered(method, target == null ? method.getDeclaringClass() : AopUtils.getTargetClass(target));
    }

    private Registered registered(Method method, Class<?> targetClass) {
        return methods.computeIfAbsent(new MethodClassKey(method, targetClass), key -> {
            IdempotentMethod registered = idem.get().method(IdemPointcut.specific(method, targetClass));
            return new Registered(registered, registered.namespace() != null ? registered.namespace()
                    : registered.method().getDeclaringClass().getName() + "#" + registered.method().getName());
        });
    }

    /** One attempt: the rest of the chain, on a clone so that each retry runs every inner advisor again. */
    private static Object attempt(MethodInvocation invocation) throws Throwable {
        if (invocation instanceof ProxyMethodInvocation proxied) {
            return proxied.invocableClone().proceed();
        }
        return invocation.proceed();
    }
}
