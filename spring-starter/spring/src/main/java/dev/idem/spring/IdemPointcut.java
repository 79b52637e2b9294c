package dev.idem.spring;

import java.lang.reflect.Method;
import org.springframework.aop.support.AopUtils;
import org.springframework.aop.support.StaticMethodMatcherPointcut;
import org.springframework.core.BridgeMethodResolver;

/**
 * Matches the methods whose implementation in the target class declares Idem's {@code @Idempotent} or
 * {@code @Retryable}. Stateless and thread-safe.
 */
final class IdemPointcut extends StaticMethodMatcherPointcut {

    @Override
    public boolean matches(Method method, Class<?> targetClass) {
        return IdemAnnotations.guarded(specific(method, targetClass));
    }

    static Method specific(Method method, Class<?> targetClass) {
        return BridgeMethodResolver.findBridgedMethod(AopUtils.getMostSpecificMethod(method, targetClass));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IdemPointcut;
    }

    @Override
    public int hashCode() {
        return IdemPointcut.class.hashCode();
    }

    @Override
    public String toString() {
        return "IdemPointcut[@Idempotent or @Retryable]";
    }
}
