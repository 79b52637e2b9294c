package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PropertyAccessTest {

    private record Payment(String id, long amount, boolean captured) {
        @SuppressWarnings("unused")
        public String getId() {
            return "from the getter";
        }
    }

    private record Envelope<T>(T payload, String kind) {
    }

    @SuppressWarnings("unused")
    private static class Bean {
        public static final String CONSTANT = "constant";
        public String field = "public field";
        private final String hidden = "hidden";

        public String getName() {
            return "name";
        }

        public boolean isActive() {
            return true;
        }

        public Boolean isBoxed() {
            return Boolean.FALSE;
        }

        public String isNotBoolean() {
            return "not a boolean getter";
        }

        public String label() {
            return "label";
        }

        public String getBroken() {
            throw new IllegalStateException("boom");
        }

        public void reset() {
        }
    }

    private static class Base {
        public String getInherited() {
            return "inherited";
        }
    }

    private static final class Child extends Base {
    }

    private static final class Headers extends HashMap<String, List<String>> {
    }

    @SuppressWarnings("unused")
    private static void signature(Envelope<Payment> envelope, List<Payment> list, Map<String, Payment> map,
            Payment[] array, Headers headers, @SuppressWarnings("rawtypes") List raw) {
    }

    private static Type parameterType(int index) throws NoSuchMethodException {
        return PropertyAccessTest.class.getDeclaredMethod("signature", Envelope.class, List.class, Map.class,
                Payment[].class, Headers.class, List.class).getGenericParameterTypes()[index];
    }

    @Test
    void recordComponentsComeBeforeGetters() {
        Payment payment = new Payment("pay_1", 250, true);

        assertThat(PropertyAccess.read(payment, "id")).isEqualTo("pay_1");
        assertThat(PropertyAccess.read(payment, "amount")).isEqualTo(250L);
        assertThat(PropertyAccess.read(payment, "captured")).isEqualTo(true);
    }

    @Test
    void readsGettersBooleanGettersMethodsAndPublicFieldsOfNonPublicClasses() {
        Bean bean = new Bean();

        assertThat(PropertyAccess.read(bean, "name")).isEqualTo("name");
        assertThat(PropertyAccess.read(bean, "active")).isEqualTo(true);
        assertThat(PropertyAccess.read(bean, "boxed")).isEqualTo(false);
        assertThat(PropertyAccess.read(bean, "label")).isEqualTo("label");
        assertThat(PropertyAccess.read(bean, "field")).isEqualTo("public field");
        assertThat(PropertyAccess.read(new Child(), "inherited")).isEqualTo("inherited");
    }

    @Test
    void onlyPublicInstanceMembersReturningAValueAreProperties() {
        assertThat(PropertyAccess.has(Bean.class, "notBoolean")).isFalse();
        assertThat(PropertyAccess.has(Bean.class, "isNotBoolean")).isTrue();
        assertThat(PropertyAccess.has(Bean.class, "hidden")).isFalse();
        assertThat(PropertyAccess.has(Bean.class, "CONSTANT")).isFalse();
        assertThat(PropertyAccess.has(Bean.class, "reset")).isFalse();
        assertThat(PropertyAccess.has(Bean.class, "class")).isFalse();
        assertThat(PropertyAccess.has(Bean.class, "hashCode")).isFalse();
        assertThat(PropertyAccess.has(Bean.class, "toString")).isFalse();
    }

    @Test
    void listsPropertyNamesSorted() {
        assertThat(PropertyAccess.propertyNames(Payment.class)).containsExactly("amount", "captured", "id");
        assertThat(PropertyAccess.propertyNames(Bean.class))
                .containsExactly("active", "boxed", "broken", "field", "isNotBoolean", "label", "name");
        assertThat(PropertyAccess.propertyNames(Map.class)).isEmpty();
    }

    @Test
    void readsMapKeysAndTreatsAMissingKeyAsNoValue() {
        Map<String, Object> map = Map.of("id", "evt_1");

        assertThat(PropertyAccess.read(map, "id")).isEqualTo("evt_1");
        assertThat(PropertyAccess.read(map, "missing")).isNull();
        assertThat(PropertyAccess.has(HashMap.class, "anything")).isTrue();
    }

    @Test
    void readsThroughPublicInterfacesOfNonPublicJdkClasses() {
        assertThat(PropertyAccess.read(Map.entry("k", "v"), "key")).isEqualTo("k");
        assertThat(PropertyAccess.read(List.of(1, 2, 3), "size")).isEqualTo(3);
        assertThat(PropertyAccess.read(ZoneId.of("Europe/Paris"), "id")).isEqualTo("Europe/Paris");
    }

    @Test
    void saysWhenAccessIsDenied() {
        assertThatThrownBy(() -> PropertyAccess.read(StandardCharsets.UTF_8, "historicalName"))
                .isInstanceOf(PropertyAccess.ReadException.class)
                .hasMessageContaining("access denied to property 'historicalName' of sun.nio.cs.UTF_8")
                .hasMessageContaining("module java.base does not open package sun.nio.cs");
    }

    @Test
    void wrapsAnExceptionThrownByAGetterNamingTheProperty() {
        assertThatThrownBy(() -> PropertyAccess.read(new Bean(), "broken"))
                .isInstanceOf(PropertyAccess.ReadException.class)
                .hasMessageContaining("reading property 'broken' of Bean threw java.lang.IllegalStateException: boom")
                .cause().isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aMissingPropertyListsTheKnownOnes() {
        assertThatThrownBy(() -> PropertyAccess.read(new Payment("p", 1, false), "idd"))
                .isInstanceOf(PropertyAccess.ReadException.class)
                .hasMessage("Payment has no property 'idd' (known: amount, captured, id)");
    }

    @Test
    void cachesAccessorsPerClass() {
        assertThat(PropertyAccess.accessor(Payment.class, "id")).isSameAs(PropertyAccess.accessor(Payment.class, "id"));
    }

    @Test
    void arraysHaveALength() {
        assertThat(PropertyAccess.read(new int[] {4, 5}, "length")).isEqualTo(2);
    }

    @Test
    void indexesListsArraysCollectionsMapsAndBeans() {
        assertThat(PropertyAccess.index(List.of("a", "b"), 1)).isEqualTo("b");
        assertThat(PropertyAccess.index(new int[] {7, 8}, 0)).isEqualTo(7);
        assertThat(PropertyAccess.index(new LinkedHashSet<>(List.of("x", "y")), 1)).isEqualTo("y");
        assertThat(PropertyAccess.index(Map.of("X-Key", "k"), "X-Key")).isEqualTo("k");
        assertThat(PropertyAccess.index(Map.of(1, "one"), 1)).isEqualTo("one");
        assertThat(PropertyAccess.index(new Payment("p", 1, false), "id")).isEqualTo("p");
    }

    @Test
    void refusesBadIndexes() {
        assertThatThrownBy(() -> PropertyAccess.index(List.of("a"), 1))
                .isInstanceOf(PropertyAccess.ReadException.class)
                .hasMessageContaining("index 1 is out of range")
                .hasMessageContaining("has 1 element");
        assertThatThrownBy(() -> PropertyAccess.index(new String[0], 0))
                .hasMessageContaining("index 0 is out of range: the String[] has 0 elements");
        assertThatThrownBy(() -> PropertyAccess.index(new Payment("p", 1, false), 0))
                .hasMessage("Payment cannot be indexed by a number");
    }

    @Test
    void resolvesDeclaredTypesWithTypeArguments() throws NoSuchMethodException {
        assertThat(PropertyAccess.propertyType(parameterType(0), "payload")).isEqualTo(Payment.class);
        assertThat(PropertyAccess.propertyType(parameterType(0), "kind")).isEqualTo(String.class);
        assertThat(PropertyAccess.propertyType(Envelope.class, "payload")).isNull();
        assertThat(PropertyAccess.propertyType(parameterType(0), "unknown")).isNull();
        assertThat(PropertyAccess.propertyType(parameterType(2), "anyKey")).isEqualTo(Payment.class);
    }

    @Test
    void findsElementTypesOfListsMapsArraysAndSubclasses() throws NoSuchMethodException {
        assertThat(PropertyAccess.elementType(parameterType(1))).isEqualTo(Payment.class);
        assertThat(PropertyAccess.elementType(parameterType(2))).isEqualTo(Payment.class);
        assertThat(PropertyAccess.elementType(parameterType(3))).isEqualTo(Payment.class);
        assertThat(PropertyAccess.elementType(parameterType(4)).getTypeName())
                .isEqualTo("java.util.List<java.lang.String>");
        assertThat(PropertyAccess.elementType(parameterType(5))).isNull();
    }
}
