package dev.idem.spring;

import java.lang.reflect.Method;

/**
 * The root object of a SpEL key expression, as {@code #root}: the method, the target and the
 * arguments, like the root of Spring's cache expressions. Immutable.
 */
final class KeyRoot {

    private final Method method;
    private final Object target;
    private final Object[] args;

    KeyRoot(Method method, Object target, Object[] args) {
        this.method = method;
        this.target = target;
        this.args = args;
    }

    public Method getMethod() {
        return method;
    }

    public String getMethodName() {
        return method.getName();
    }

    public Object getTarget() {
        return target;
    }

    public Class<?> getTargetClass() {
        return target == null ? method.getDeclaringClass() : target.getClass();
    }

    public Object[] getArgs() {
        return args;
    }
}
