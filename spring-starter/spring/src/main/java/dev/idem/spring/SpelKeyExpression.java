package dev.idem.spring;

import dev.idem.KeyExpression;
import dev.idem.annotation.IdempotencyKeyException;
import java.lang.reflect.Method;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.context.expression.BeanFactoryResolver;
import org.springframework.context.expression.MethodBasedEvaluationContext;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.EvaluationException;
import org.springframework.expression.Expression;

/** One parsed SpEL key expression, bound to its method. Immutable and thread-safe. */
final class SpelKeyExpression implements KeyExpression {

    private final String source;
    private final Expression expression;
    private final Method method;
    private final String methodName;
    private final ParameterNameDiscoverer parameterNames;
    private final BeanFactoryResolver beans;

    SpelKeyExpression(String source, Expression expression, Method method, String methodName,
            ParameterNameDiscoverer parameterNames, BeanFactory beanFactory) {
        this.source = source;
        this.expression = expression;
        this.method = method;
        this.methodName = methodName;
        this.parameterNames = parameterNames;
        this.beans = beanFactory == null ? null : new BeanFactoryResolver(beanFactory);
    }

    @Override
    public Object evaluate(Object target, Object[] args) {
        MethodBasedEvaluationContext context = new MethodBasedEvaluationContext(new KeyRoot(method, target, args), method,
                args, parameterNames);
        if (beans != null) {
            context.setBeanResolver(beans);
        }
        try {
            return expression.getValue(context);
        } catch (EvaluationException e) {
            throw new IdempotencyKeyException(methodName + ": the key expression '" + source + "' failed: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return "SpelKeyExpression[" + source + "]";
    }
}
