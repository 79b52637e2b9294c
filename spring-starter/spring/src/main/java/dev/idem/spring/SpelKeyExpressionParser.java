package dev.idem.spring;

import dev.idem.KeyExpression;
import dev.idem.KeyExpressionParser;
import dev.idem.annotation.IdempotencyConfigurationException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.core.DefaultParameterNameDiscoverer;
import org.springframework.core.ParameterNameDiscoverer;
import org.springframework.expression.Expression;
import org.springframework.expression.ParseException;
import org.springframework.expression.spel.SpelNode;
import org.springframework.expression.spel.ast.BeanReference;
import org.springframework.expression.spel.ast.VariableReference;
import org.springframework.expression.spel.standard.SpelExpression;
import org.springframework.expression.spel.standard.SpelExpressionParser;

/**
 * Key expressions in full Spring Expression Language, evaluated as Spring's cache abstraction evaluates
 * {@code @Cacheable(key = ...)}: {@code #name} (by parameter name), {@code #p0} and {@code #a0}, {@code #root}
 * (with {@code method}, {@code methodName}, {@code target}, {@code targetClass} and {@code args}), and
 * {@code @beanName} references to the application's beans. Every expression of the built-in subset means the
 * same here.
 *
 * <p>Checked when the method is registered, at startup: the syntax, every {@code #variable} (it must name a
 * parameter, or be {@code #pN}/{@code #aN} within range, {@code #root} or {@code #this}) and every
 * {@code @bean} (it must exist). A bad expression throws {@link IdempotencyConfigurationException} naming the
 * method and the expression. Key expressions come from annotations that developers write, never from
 * requests. Thread-safe.
 */
public final class SpelKeyExpressionParser implements KeyExpressionParser {

    private static final Pattern POSITIONAL = Pattern.compile("[ap](0|[1-9][0-9]{0,8})");

    private final SpelExpressionParser parser = new SpelExpressionParser();
    private final ParameterNameDiscoverer parameterNames = new DefaultParameterNameDiscoverer();
    private final BeanFactory beanFactory;

    /**
     * A parser whose expressions may refer to the beans of {@code beanFactory}.
     *
     * @param beanFactory the beans {@code @name} refers to, or {@code null} to refuse bean references
     */
    public SpelKeyExpressionParser(BeanFactory beanFactory) {
        this.beanFactory = beanFactory;
    }

    @Override
    public KeyExpression parse(String expression, Method method) {
        Objects.requireNonNull(method, "method");
        String name = IdemAnnotations.describe(method);
        Expression parsed;
        try {
            parsed = parser.parseExpression(expression);
        } catch (ParseException e) {
            throw new IdempotencyConfigurationException(name + ": the key expression '" + expression
                    + "' is not valid SpEL: " + e.getSimpleMessage() + " (at position " + e.getPosition() + ")", e);
        }
        String[] names = parameterNames.getParameterNames(method);
        List<String> known = names == null ? List.of() : Arrays.asList(names);
        check(((SpelExpression) parsed).getAST(), expression, name, known, method.getParameterCount());
        return new SpelKeyExpression(expression, parsed, method, name, parameterNames, beanFactory);
    }

    private void check(SpelNode node, String expression, String method, List<String> parameters, int count) {
        if (node instanceof VariableReference) {
            String variable = node.toStringAST().substring(1);
            if (!known(variable, parameters, count)) {
                List<String> choices = new ArrayList<>(parameters);
                if (count > 0) {
                    choices.add("#p0..#p" + (count - 1));
                }
                throw new IdempotencyConfigurationException(method + ": the key expression '" + expression
                        + "' refers to #" + variable + ", which is not a parameter; use one of " + choices
                        + (parameters.isEmpty() && count > 0 ? " (compile with -parameters to use parameter names)" : ""),
                        null);
            }
        } else if (node instanceof BeanReference) {
            String bean = node.toStringAST().substring(1).replace("'", "").replace("\"", "");
            if (beanFactory == null || !beanFactory.containsBean(bean)) {
                throw new IdempotencyConfigurationException(method + ": the key expression '" + expression
                        + "' refers to the bean '" + bean + "', which " + (beanFactory == null
                        ? "cannot be resolved: this parser has no bean factory" : "does not exist"), null);
            }
        }
        for (int i = 0; i < node.getChildCount(); i++) {
            check(node.getChild(i), expression, method, parameters, count);
        }
    }

    private static boolean known(String variable, List<String> parameters, int count) {
        if (variable.equals("root") || variable.equals("this") || parameters.contains(variable)) {
            return true;
        }
        return POSITIONAL.matcher(variable).matches() && Long.parseLong(variable.substring(1)) < count;
    }

    @Override
    public String toString() {
        return "SpelKeyExpressionParser[beans=" + (beanFactory != null) + "]";
    }
}
