package dev.idem.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.KeyExpressionParser;
import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyKeyException;
import java.lang.reflect.Method;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;

class SpelKeyExpressionParserTest {

    record Data(String id) {
    }

    record Event(String id, Data data, Map<String, String> headers) {
    }

    static final class Tenants {
        public String prefix() {
            return "acme";
        }
    }

    static final class Handlers {
        String handle(Event event, int attempt) {
            return event.id() + attempt;
        }
    }

    private static final Method HANDLE = handle();
    private static final Event EVENT = new Event("evt_1", new Data("d_1"), Map.of("X-GitHub-Delivery", "gh-1"));

    private final SpelKeyExpressionParser parser = new SpelKeyExpressionParser(beans());

    @Test
    void parameterNamesPositionsRootAndBeansAreVisible() {
        assertThat(evaluate("#event.id")).isEqualTo("evt_1");
        assertThat(evaluate("#p0.data.id + ':' + #a1")).isEqualTo("d_1:7");
        assertThat(evaluate("#event.headers['X-GitHub-Delivery']")).isEqualTo("gh-1");
        assertThat(evaluate("#root.methodName + '/' + #event.id")).isEqualTo("handle/evt_1");
        assertThat(evaluate("@tenants.prefix() + ':' + #event.id")).isEqualTo("acme:evt_1");
        assertThat(evaluate("#event.id.toUpperCase()")).isEqualTo("EVT_1");
    }

    @Test
    void everyExpressionOfTheBuiltInSubsetMeansTheSame() {
        KeyExpressionParser simple = KeyExpressionParser.simple();
        for (String expression : new String[] {"#event.id", "#p0.id", "#a0.data.id", "#event?.data?.id",
                "#event.headers['X-GitHub-Delivery']", "#event.id + ':' + #attempt", "'k-' + #p1"}) {
            Object[] args = {EVENT, 7};
            assertThat(parser.parse(expression, HANDLE).evaluate(new Handlers(), args))
                    .as(expression)
                    .isEqualTo(simple.parse(expression, HANDLE).evaluate(new Handlers(), args));
        }
    }

    @Test
    void aNullSafeStepGivesNullAndAFailingStepIsAKeyError() {
        Event empty = new Event("e", null, Map.of());
        assertThat(parser.parse("#event?.data?.id", HANDLE).evaluate(null, new Object[] {empty, 1})).isNull();
        assertThatThrownBy(() -> parser.parse("#event.data.id", HANDLE).evaluate(null, new Object[] {empty, 1}))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("Handlers#handle(Event, int)")
                .hasMessageContaining("'#event.data.id'");
    }

    @Test
    void badExpressionsFailAtParseTimeNamingTheMethodAndTheExpression() {
        assertThatThrownBy(() -> parser.parse("#event.id +", HANDLE))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("SpelKeyExpressionParserTest$Handlers#handle(Event, int)")
                .hasMessageContaining("'#event.id +'")
                .hasMessageContaining("not valid SpEL");
        assertThatThrownBy(() -> parser.parse("#evnt.id", HANDLE))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("#evnt, which is not a parameter")
                .hasMessageContaining("[event, attempt, #p0..#p1]");
        assertThatThrownBy(() -> parser.parse("#p2", HANDLE))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("#p2, which is not a parameter");
        assertThatThrownBy(() -> parser.parse("@missing.prefix()", HANDLE))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("the bean 'missing', which does not exist");
        assertThatThrownBy(() -> new SpelKeyExpressionParser(null).parse("@tenants.prefix()", HANDLE))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("this parser has no bean factory");
    }

    private Object evaluate(String expression) {
        return parser.parse(expression, HANDLE).evaluate(new Handlers(), new Object[] {EVENT, 7});
    }

    private static DefaultListableBeanFactory beans() {
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("tenants", new Tenants());
        return beans;
    }

    private static Method handle() {
        try {
            return Handlers.class.getDeclaredMethod("handle", Event.class, int.class);
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }
}
