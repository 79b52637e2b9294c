package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyKeyException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SimpleExpressionParserTest {

    private static final KeyExpressionParser PARSER = KeyExpressionParser.simple();

    record PaymentEvent(String id, long amount, String currency) {
    }

    record Item(String sku) {
    }

    enum Status { NEW }

    record Order(String customerId, int number, Status status, List<Item> items, Item[] itemArray,
            Map<String, Item> byName) {
    }

    interface Event {
        String id();
    }

    private record Broken(String id) {
        @Override
        public String id() {
            throw new IllegalStateException("lazy proxy closed");
        }
    }

    @SuppressWarnings("unused")
    static final class Payments {
        void charge(PaymentEvent event) {
        }

        void webhook(Object payload, Map<String, Object> headers) {
        }

        void order(Order order) {
        }

        void event(Event event) {
        }

        void numbers(long first, long second) {
        }

        void anything(Object first, Object second) {
        }

        void none() {
        }
    }

    private static Method method(String name) {
        return Arrays.stream(Payments.class.getDeclaredMethods())
                .filter(method -> method.getName().equals(name)).findFirst().orElseThrow();
    }

    private static Object evaluate(String expression, String method, Object... args) {
        return PARSER.parse(expression, method(method)).evaluate(new Payments(), args);
    }

    private static Order order() {
        Item first = new Item("sku-1");
        Item second = new Item("sku-2");
        return new Order("cus_1", 7, Status.NEW, List.of(first, second), new Item[] {first, second},
                Map.of("first", first));
    }

    @Test
    void readsArgumentsByNameAndPosition() {
        PaymentEvent event = new PaymentEvent("evt_1", 100, "EUR");

        assertThat(evaluate("#event", "charge", event)).isSameAs(event);
        assertThat(evaluate("#p0.id", "charge", event)).isEqualTo("evt_1");
        assertThat(evaluate("#a0.id", "charge", event)).isEqualTo("evt_1");
        assertThat(evaluate("#event.id", "charge", event)).isEqualTo("evt_1");
        assertThat(evaluate("#p1", "webhook", "body", Map.of())).isEqualTo(Map.of());
    }

    @Test
    void usesPositionsWhenParameterNamesWereNotCompiledIn() throws NoSuchMethodException {
        Method concat = String.class.getMethod("concat", String.class);

        assertThat(PARSER.parse("#p0.length", concat).evaluate("a", new Object[] {"abc"})).isEqualTo(3);
        assertThatThrownBy(() -> PARSER.parse("#str", concat))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("java.lang.String#concat(String)")
                .hasMessageContaining("compile with -parameters or use #p0");
    }

    @Test
    void refusesUnknownParametersListingTheAvailableOnes() {
        assertThatThrownBy(() -> PARSER.parse("#evnt.id", method("webhook")))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessage("Invalid key expression \"#evnt.id\" on " + Payments.class.getName()
                        + "#webhook(Object, Map): the method has no parameter #evnt"
                        + " (parameters: #payload or #p0, #headers or #p1)");
        assertThatThrownBy(() -> PARSER.parse("#p2", method("webhook")))
                .hasMessageContaining("no parameter #p2 (parameters: #payload or #p0, #headers or #p1)");
        assertThatThrownBy(() -> PARSER.parse("#p0", method("none")))
                .hasMessageContaining("no parameter #p0 (it has no parameters)");
    }

    @Test
    void followsPropertyPathsThroughMapsAndBeans() {
        Map<String, Object> payload = Map.of("data", Map.of("object", Map.of("id", "cus_9")));

        assertThat(evaluate("#payload.data.object.id", "webhook", payload, Map.of())).isEqualTo("cus_9");
        assertThat(evaluate("#payload.data.missing", "webhook", payload, Map.of())).isNull();
        assertThat(evaluate("#order.status", "order", order())).isEqualTo(Status.NEW);
    }

    @Test
    void indexesListsArraysAndMapsWithBothQuoteStyles() {
        Map<String, Object> headers = Map.of("X-GitHub-Delivery", "72d3162e", "list", List.of("a", "b"));

        assertThat(evaluate("#headers['X-GitHub-Delivery']", "webhook", null, headers)).isEqualTo("72d3162e");
        assertThat(evaluate("#headers[\"X-GitHub-Delivery\"]", "webhook", null, headers)).isEqualTo("72d3162e");
        assertThat(evaluate("#headers['list'][1]", "webhook", null, headers)).isEqualTo("b");
        assertThat(evaluate("#order.items[0].sku", "order", order())).isEqualTo("sku-1");
        assertThat(evaluate("#order.itemArray[1].sku", "order", order())).isEqualTo("sku-2");
        assertThat(evaluate("#order.byName['first'].sku", "order", order())).isEqualTo("sku-1");
        assertThat(evaluate("#order['customerId']", "order", order())).isEqualTo("cus_1");
    }

    @Test
    void nullSafeStepsGiveNullWhereSpelDoes() {
        Map<String, Object> payload = new HashMap<>();
        payload.put("data", null);

        assertThat(evaluate("#payload?.data?.id", "webhook", payload, null)).isNull();
        assertThat(evaluate("#payload?.data", "webhook", null, null)).isNull();
        assertThatThrownBy(() -> evaluate("#payload?.data.id", "webhook", payload, null))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("#payload?.data is null, so .id cannot be read");
    }

    @Test
    void aStepThatIsNotNullSafeFailsOnNullNamingMethodExpressionAndStep() {
        assertThatThrownBy(() -> evaluate("#payload.data.id", "webhook", Map.of(), null))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessage("Cannot compute the key of " + Payments.class.getName() + "#webhook(Object, Map) from"
                        + " \"#payload.data.id\": #payload.data is null, so .id cannot be read");
        assertThatThrownBy(() -> evaluate("#headers['list'][0]", "webhook", null, Map.of()))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("#headers['list'] is null, so [0] cannot be read");
    }

    @Test
    void aGetterThatThrowsIsReportedWithTheProperty() {
        assertThatThrownBy(() -> evaluate("#event.id", "event", new Broken("x")))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("#event.id")
                .hasMessageContaining("cannot read .id of #event: reading property 'id' of Broken threw")
                .hasRootCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingPropertyFoundAtRunTimeIsAKeyError() {
        assertThatThrownBy(() -> evaluate("#payload.idd", "webhook", new PaymentEvent("e", 1, "EUR"), null))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("PaymentEvent has no property 'idd' (known: amount, currency, id)");
        assertThatThrownBy(() -> evaluate("#order.items[5]", "order", order()))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("index 5 is out of range");
    }

    @Test
    void readsLiteralsWithSpelEscaping() {
        assertThat(evaluate("'it''s'", "none")).isEqualTo("it's");
        assertThat(evaluate("\"say \"\"hi\"\"\"", "none")).isEqualTo("say \"hi\"");
        assertThat(evaluate("'a \"quoted\" word'", "none")).isEqualTo("a \"quoted\" word");
        assertThat(evaluate("42", "none")).isEqualTo(42);
    }

    @Test
    void concatenatesIntoAStringAllowingWhitespace() {
        assertThat(evaluate("  #order.customerId+ ':' +  #order.number ", "order", order())).isEqualTo("cus_1:7");
        assertThat(evaluate("'v' + 2 + ':' + #order.status", "order", order())).isEqualTo("v2:NEW");
        assertThat(evaluate("# order . items [ 0 ] . sku", "order", order())).isEqualTo("sku-1");
        assertThat(evaluate("#first + ':' + #second", "numbers", 1L, 2L)).isEqualTo("1:2");
    }

    @Test
    void refusesNullInAConcatenation() {
        assertThatThrownBy(() -> evaluate("#first + ':' + #second", "anything", "a", null))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("#second is null; a key cannot contain null");
    }

    @Test
    void refusesAdditionWhereSpelWouldAddNumbers() {
        assertThatThrownBy(() -> PARSER.parse("#first + #second", method("numbers")))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("the '+' at column 8 joins two values that are not strings");
        assertThatThrownBy(() -> evaluate("#first + #second + ':'", "anything", 1L, 2L))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("the first '+' joins Long and Long, so SpEL would add them");
        assertThat(evaluate("#first + #second", "anything", "a", 2L)).isEqualTo("a2");
    }

    @Test
    void refusesJoiningCollections() {
        assertThatThrownBy(() -> evaluate("'k' + #payload", "webhook", new ArrayList<>(List.of("a")), null))
                .isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("#payload has type ArrayList; only single values can be joined with +");
        assertThatThrownBy(() -> evaluate("'k' + #payload", "webhook", new String[] {"a"}, null))
                .hasMessageContaining("#payload has type String[]");
    }

    @Test
    void refusesUnsupportedSyntaxPointingAtTheColumn() {
        assertSyntaxError("#event.id()", "unexpected '(' at column 10; method calls");
        assertSyntaxError("#event.amount > 1", "unexpected '>' at column 15; the only operator is +");
        assertSyntaxError("#event.id ?: 'x'", "unexpected '?' at column 11; the ternary and Elvis");
        assertSyntaxError("T(java.util.UUID).randomUUID()", "unexpected 'T' at column 1");
        assertSyntaxError("@payments.id", "unexpected '@' at column 1; bean references");
        assertSyntaxError("#event.", "unexpected end at column 8; expected a name");
        assertSyntaxError("#event[#p0]", "unexpected '#' at column 8; an index is a number or a 'string'");
        assertSyntaxError("#event['id'", "unexpected end at column 12; expected ']'");
        assertSyntaxError("'open", "the string at column 1 is not closed");
        assertSyntaxError("#event.id +", "the expression ends where a value is expected");
        assertSyntaxError("#root.args[0]", "#root is not supported");
        assertSyntaxError("99999999999", "the number at column 1 is too large");
        assertSyntaxError(" ", "the expression is empty");
    }

    private static void assertSyntaxError(String expression, String detail) {
        assertThatThrownBy(() -> PARSER.parse(expression, method("charge")))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageStartingWith("Invalid key expression \"" + expression + "\" on "
                        + Payments.class.getName() + "#charge(PaymentEvent): ")
                .hasMessageContaining(detail);
    }

    @Test
    void checksPathsAgainstClosedDeclaredTypes() {
        assertThatThrownBy(() -> PARSER.parse("#event.idd", method("charge")))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessage("Invalid key expression \"#event.idd\" on " + Payments.class.getName()
                        + "#charge(PaymentEvent): PaymentEvent has no property 'idd' (known: amount, currency, id),"
                        + " at column 7");
        assertThatThrownBy(() -> PARSER.parse("#order.items[0].skuu", method("order")))
                .hasMessageContaining("Item has no property 'skuu' (known: sku), at column 16");
        assertThatThrownBy(() -> PARSER.parse("#order.byName['a'].skuu", method("order")))
                .hasMessageContaining("Item has no property 'skuu'");
        assertThatThrownBy(() -> PARSER.parse("#order.number.value", method("order")))
                .hasMessageContaining("Integer has no property 'value'");
        assertThatThrownBy(() -> PARSER.parse("#order.customerId[0]", method("order")))
                .hasMessageContaining("String cannot be indexed by a number, at column 18");
    }

    @Test
    void defersChecksForObjectInterfaceAndMapTypes() {
        assertThat(PARSER.parse("#payload.anything.at.all", method("webhook")).source())
                .isEqualTo("#payload.anything.at.all");
        assertThat(PARSER.parse("#headers.anyKey[0]", method("webhook")).source()).isEqualTo("#headers.anyKey[0]");
        assertThat(PARSER.parse("#event.tenant", method("event")).source()).isEqualTo("#event.tenant");
    }

    @Test
    void keepsWorkingWhenTheRuntimeClassChanges() {
        KeyExpression expression = PARSER.parse("#payload.id", method("webhook"));

        assertThat(expression.evaluate(null, new Object[] {new PaymentEvent("evt_1", 1, "EUR"), null}))
                .isEqualTo("evt_1");
        assertThat(expression.evaluate(null, new Object[] {Map.of("id", "map_1"), null})).isEqualTo("map_1");
        assertThat(expression.evaluate(null, new Object[] {new PaymentEvent("evt_2", 1, "EUR"), null}))
                .isEqualTo("evt_2");
    }

    @Test
    void keepsTheSourceAsWritten() {
        KeyExpression expression = PARSER.parse(" #event.id + ':x' ", method("charge"));

        assertThat(expression.source()).isEqualTo(" #event.id + ':x' ");
        assertThat(expression).hasToString(" #event.id + ':x' ");
    }
}
