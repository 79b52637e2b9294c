package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonCodecTest {

    private final JsonCodec codec = JsonCodec.create();

    record Receipt(String id, long cents, Instant at) {
    }

    enum Status {
        PAID, REFUNDED
    }

    interface Shape {
    }

    record Circle(double radius) implements Shape {
    }

    record ShapeHolder(Shape shape) {
    }

    abstract static class Animal {
        public String name;
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME)
    @JsonSubTypes(@JsonSubTypes.Type(value = Square.class, name = "square"))
    interface Annotated {
    }

    record Square(double side) implements Annotated {
    }

    /** A bean that cannot be written: its getter throws. */
    public static final class Unwritable {
        public String getValue() {
            throw new IllegalStateException("no value today");
        }
    }

    /** Stands for a gadget class: creating it, or even initialising it, flips a flag. */
    public static final class Gadget {
        static final AtomicBoolean CREATED = new AtomicBoolean();
        public String command;

        public Gadget() {
            CREATED.set(true);
        }
    }

    static final AtomicBoolean GADGET_INITIALISED = new AtomicBoolean();

    public static final class InitialisingGadget {
        static {
            GADGET_INITIALISED.set(true);
        }

        public String command;
    }

    /** Holds the generic types the tests encode against, as a method's return and parameter types would. */
    @SuppressWarnings("unused")
    abstract static class Signatures {
        abstract List<Receipt> receipts();

        abstract Map<String, Receipt> receiptsById();

        abstract Optional<Receipt> maybeReceipt();

        abstract List<Shape> shapes();

        abstract Map<String, Shape> shapesByName();

        abstract Optional<Shape> maybeShape();

        abstract ShapeHolder holder();

        abstract List<Object> objects();

        abstract void handle(List<Receipt> receipts, Map<String, Instant> seen, int count, Optional<String> note,
                Status status);
    }

    private static Type returnType(String method) {
        try {
            return Signatures.class.getDeclaredMethod(method).getGenericReturnType();
        } catch (NoSuchMethodException e) {
            throw new AssertionError(e);
        }
    }

    private static Type[] handleParameters() {
        for (Method method : Signatures.class.getDeclaredMethods()) {
            if (method.getName().equals("handle")) {
                return method.getGenericParameterTypes();
            }
        }
        throw new AssertionError("no handle method");
    }

    private Object roundTrip(Object value, Type type) {
        return codec.decode(codec.encode(value, type), type);
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        assertThat(value).isInstanceOf(List.class);
        return (List<Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static Map<Object, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<Object, Object>) value;
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static final Receipt R1 = new Receipt("r1", 1250, Instant.parse("2025-03-01T10:15:30.123456Z"));
    private static final Receipt R2 = new Receipt("r2", 99, Instant.parse("2025-03-02T00:00:00Z"));

    @Nested
    class RoundTrips {

        @Test
        void aListOfRecordsEncodedAgainstItsGenericTypeReplaysAsAListOfThoseRecords() {
            Type type = returnType("receipts");
            assertThat(type).isInstanceOf(ParameterizedType.class);

            Object replayed = roundTrip(List.of(R1, R2), type);

            List<Object> list = list(replayed);
            assertThat(list).hasSize(2);
            assertThat(list).allSatisfy(element -> assertThat(element).isExactlyInstanceOf(Receipt.class));
            assertThat(list).containsExactly(R1, R2);
        }

        @Test
        void aMapOfRecordsReplaysWithRecordValuesInOrder() {
            Map<String, Receipt> byId = new LinkedHashMap<>();
            byId.put("second", R2);
            byId.put("first", R1);

            Object replayed = roundTrip(byId, returnType("receiptsById"));

            Map<Object, Object> map = map(replayed);
            assertThat(map.values()).allSatisfy(value -> assertThat(value).isExactlyInstanceOf(Receipt.class));
            assertThat(map).containsExactly(Map.entry("second", R2), Map.entry("first", R1));
        }

        @Test
        void optionalReplaysPresentAndEmpty() {
            Type type = returnType("maybeReceipt");

            assertThat(roundTrip(Optional.of(R1), type)).isEqualTo(Optional.of(R1));
            assertThat(roundTrip(Optional.empty(), type)).isEqualTo(Optional.empty());
            Optional<?> replayed = (Optional<?>) roundTrip(Optional.of(R2), type);
            assertThat(replayed.orElseThrow()).isExactlyInstanceOf(Receipt.class);
        }

        @Test
        void javaTimeValuesAreWrittenAsIsoTextAndReplayExactly() {
            Instant instant = Instant.parse("2025-06-30T23:59:59.999999999Z");

            byte[] bytes = codec.encode(instant, Instant.class);

            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("\"2025-06-30T23:59:59.999999999Z\"");
            assertThat(codec.decode(bytes, Instant.class)).isEqualTo(instant);
            assertThat(roundTrip(LocalDate.of(2024, 2, 29), LocalDate.class)).isEqualTo(LocalDate.of(2024, 2, 29));
            assertThat(roundTrip(Duration.ofMillis(1500), Duration.class)).isEqualTo(Duration.ofMillis(1500));
        }

        @Test
        void recordsWithNestedTimeReplayEqual() {
            assertThat(roundTrip(R1, Receipt.class)).isEqualTo(R1);
        }

        @Test
        void primitivesAndTheirBoxesReplay() {
            assertThat(new String(codec.encode(42, int.class), StandardCharsets.UTF_8)).isEqualTo("42");
            assertThat(roundTrip(42, int.class)).isEqualTo(42);
            assertThat(roundTrip(Long.MAX_VALUE, long.class)).isEqualTo(Long.MAX_VALUE);
            assertThat(roundTrip(true, boolean.class)).isEqualTo(true);
            assertThat(roundTrip(0.1, double.class)).isEqualTo(0.1);
            assertThat(roundTrip(new BigDecimal("12345678901234567890.000000001"), BigDecimal.class))
                    .isEqualTo(new BigDecimal("12345678901234567890.000000001"));
            assertThat(roundTrip("text with \"quotes\" and ünïcödé 💳", String.class))
                    .isEqualTo("text with \"quotes\" and ünïcödé 💳");
            assertThat(roundTrip(Status.REFUNDED, Status.class)).isEqualTo(Status.REFUNDED);
        }

        @Test
        void nullEncodesAsJsonNullAndReplaysAsNull() {
            byte[] bytes = codec.encode(null, Receipt.class);

            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("null");
            assertThat(codec.decode(bytes, Receipt.class)).isNull();
            assertThat(codec.decode(codec.encode(null, returnType("receipts")), returnType("receipts"))).isNull();
            assertThat(codec.decode(codec.encode(null, Void.class), Void.class)).isNull();
        }

        @Test
        void unknownPropertiesAreIgnoredSoAValueOfAnOlderOrNewerClassReplays() {
            String evolved = "{\"id\":\"r9\",\"cents\":5,\"at\":\"2025-01-01T00:00:00Z\",\"currency\":\"EUR\","
                    + "\"lines\":[{\"sku\":\"a\"}]}";

            Object replayed = codec.decode(utf8(evolved), Receipt.class);

            assertThat(replayed).isEqualTo(new Receipt("r9", 5, Instant.parse("2025-01-01T00:00:00Z")));
        }

        @Test
        void missingPropertiesReplayAsDefaults() {
            assertThat(codec.decode(utf8("{\"id\":\"r9\"}"), Receipt.class)).isEqualTo(new Receipt("r9", 0, null));
        }

        @Test
        void anAnnotatedPolymorphicTypeReplaysItsDeclaredSubtype() {
            Object replayed = roundTrip(new Square(2), Annotated.class);
            assertThat(replayed).isEqualTo(new Square(2));
        }
    }

    @Nested
    class Errors {

        @Test
        void aValueOverTheSizeLimitIsRefusedNamingTheSizeAndTheLimit() {
            JsonCodec small = JsonCodec.withMaxBytes(64);
            String big = "x".repeat(100);

            assertThatThrownBy(() -> small.encode(big, String.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("java.lang.String")
                    .hasMessageContaining("102 bytes")
                    .hasMessageContaining("limit of 64");
            assertThat(small.encode("x".repeat(62), String.class)).hasSize(64);
            assertThat(small.maxBytes()).isEqualTo(64);
        }

        @Test
        void theDefaultLimitIsOneMebibyte() {
            assertThat(codec.maxBytes()).isEqualTo(JsonCodec.DEFAULT_MAX_BYTES).isEqualTo(1 << 20);
            assertThatThrownBy(() -> codec.encode("y".repeat(1 << 20), String.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining((1 << 20) + 2 + " bytes")
                    .hasMessageContaining("limit of " + (1 << 20));
            assertThat(codec.toString()).isEqualTo("JsonCodec[maxBytes=1048576]");
        }

        @Test
        void theLimitMustBePositive() {
            assertThatThrownBy(() -> JsonCodec.withMaxBytes(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBytes must be positive: 0");
            assertThatThrownBy(() -> JsonCodec.withMapper(new ObjectMapper(), -1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBytes must be positive: -1");
            assertThatThrownBy(() -> JsonCodec.withMapper(null, 10))
                    .isInstanceOf(NullPointerException.class).hasMessage("mapper");
        }

        @Test
        void aValueThatCannotBeWrittenIsAnIllegalArgumentNamingItsClassAndTheType() {
            assertThatThrownBy(() -> codec.encode(new Unwritable(), Unwritable.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot encode a " + Unwritable.class.getName())
                    .hasMessageContaining("no value today");
        }

        @Test
        void bytesThatAreNotTheDeclaredTypeAreAnIllegalArgumentNamingTheType() {
            assertThatThrownBy(() -> codec.decode(utf8("{\"id\": [1, 2]}"), Receipt.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot decode 14 bytes of JSON as " + Receipt.class.getName());
            assertThatThrownBy(() -> codec.decode(utf8("not json"), Receipt.class))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> codec.decode(utf8("\"BOUNCED\""), Status.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Status.class.getName());
        }
    }

    @Nested
    class Security {

        @Test
        void aClassHintInARecordIsIgnored() {
            String json = "{\"@class\":\"java.lang.ProcessBuilder\",\"id\":\"r1\",\"cents\":1,"
                    + "\"@type\":\"java.lang.ProcessBuilder\",\"command\":[\"touch\",\"/tmp/pwned\"]}";

            Object replayed = codec.decode(utf8(json), Receipt.class);

            assertThat(replayed).isEqualTo(new Receipt("r1", 1, null));
        }

        @Test
        void aClassHintDecodedAsObjectGivesAPlainMapNeverTheNamedClass() {
            Gadget.CREATED.set(false);
            String json = "{\"@class\":\"" + Gadget.class.getName() + "\",\"command\":\"touch /tmp/pwned\"}";

            Object replayed = codec.decode(utf8(json), Object.class);

            assertThat(replayed).isInstanceOf(LinkedHashMap.class);
            assertThat(map(replayed)).containsEntry("@class", Gadget.class.getName())
                    .containsEntry("command", "touch /tmp/pwned");
            assertThat(Gadget.CREATED).as("the gadget's constructor never ran").isFalse();
        }

        @Test
        void aProcessBuilderHintDecodedAsObjectGivesAMap() {
            String json = "{\"@class\":\"java.lang.ProcessBuilder\",\"command\":[\"calc\"]}";

            Object replayed = codec.decode(utf8(json), Object.class);

            assertThat(replayed).isExactlyInstanceOf(LinkedHashMap.class).isNotInstanceOf(ProcessBuilder.class);
        }

        @Test
        void anArrayStyleTypeHintDecodedAsObjectGivesAList() {
            String json = "[\"" + InitialisingGadget.class.getName() + "\",{\"command\":\"calc\"}]";

            Object replayed = codec.decode(utf8(json), Object.class);

            assertThat(replayed).isInstanceOf(ArrayList.class);
            assertThat(list(replayed)).first().isEqualTo(InitialisingGadget.class.getName());
            assertThat(list(replayed)).last().isInstanceOf(Map.class);
            assertThat(GADGET_INITIALISED).as("the named class was never even initialised").isFalse();
        }

        @Test
        void hintsInsideGenericContainersAreIgnoredToo() {
            String json = "[{\"@class\":\"java.lang.ProcessBuilder\",\"id\":\"r1\",\"cents\":3}]";

            List<Object> list = list(codec.decode(utf8(json), returnType("receipts")));
            List<Object> objects = list(codec.decode(utf8(json), returnType("objects")));

            assertThat(list).containsExactly(new Receipt("r1", 3, null));
            assertThat(objects).singleElement().isInstanceOf(LinkedHashMap.class);
        }

        @Test
        void encodedValuesCarryNoClassNames() {
            String json = new String(codec.encode(List.of(R1), returnType("receipts")), StandardCharsets.UTF_8);

            assertThat(json).doesNotContain("@class", "dev.idem", "Receipt");
            assertThat(codec.decode(utf8(json), Object.class)).isInstanceOf(List.class);
        }

        @Test
        void anAnnotatedPolymorphicTypeRefusesAnUnknownSubtypeName() {
            assertThatThrownBy(() -> codec.decode(utf8("{\"@type\":\"java.lang.ProcessBuilder\"}"), Annotated.class))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void aMapperWithDefaultTypingIsRefused() {
            ObjectMapper unsafe = com.fasterxml.jackson.databind.json.JsonMapper.builder().activateDefaultTyping(
                    com.fasterxml.jackson.databind.jsontype.BasicPolymorphicTypeValidator.builder()
                            .allowIfBaseType(Object.class).build(), ObjectMapper.DefaultTyping.NON_FINAL).build();

            assertThatThrownBy(() -> JsonCodec.withMapper(unsafe, 1024))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("default typing");
        }

        @Test
        void theApplicationsMapperIsCopiedSoLaterChangesDoNotReachTheCodec() {
            ObjectMapper application = new ObjectMapper()
                    .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
            JsonCodec custom = JsonCodec.withMapper(application, 1000);

            application.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

            record Line(String skuCode) {
            }
            assertThat(new String(custom.encode(new Line("a-1"), Line.class), StandardCharsets.UTF_8))
                    .isEqualTo("{\"sku_code\":\"a-1\"}");
            assertThat(custom.decode(utf8("{\"sku_code\":\"b\",\"extra\":1}"), Line.class)).isEqualTo(new Line("b"));
        }
    }

    @Nested
    class Arguments {

        @Test
        void argumentsRoundTripAgainstTheirGenericParameterTypes() {
            Type[] types = handleParameters();
            Map<String, Instant> seen = new LinkedHashMap<>();
            seen.put("a", Instant.parse("2025-01-01T00:00:00Z"));
            Object[] values = {List.of(R1, R2), seen, 7, Optional.of("note"), Status.PAID};

            Object[] decoded = codec.decodeArguments(codec.encodeArguments(values, types), types);

            assertThat(decoded).hasSize(5);
            assertThat(list(decoded[0])).containsExactly(R1, R2)
                    .allSatisfy(element -> assertThat(element).isExactlyInstanceOf(Receipt.class));
            assertThat(map(decoded[1])).containsExactly(Map.entry("a", Instant.parse("2025-01-01T00:00:00Z")));
            assertThat(((Map<?, ?>) decoded[1]).get("a")).isExactlyInstanceOf(Instant.class);
            assertThat(decoded[2]).isEqualTo(7);
            assertThat(decoded[3]).isEqualTo(Optional.of("note"));
            assertThat(decoded[4]).isEqualTo(Status.PAID);
        }

        @Test
        void nullArgumentsRoundTrip() {
            Type[] types = handleParameters();
            Object[] values = {null, null, 0, Optional.empty(), null};

            Object[] decoded = codec.decodeArguments(codec.encodeArguments(values, types), types);

            assertThat(decoded).containsExactly(null, null, 0, Optional.empty(), null);
        }

        @Test
        void noArgumentsRoundTrip() {
            byte[] bytes = codec.encodeArguments(new Object[0], new Type[0]);
            assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo("[]");
            assertThat(codec.decodeArguments(bytes, new Type[0])).isEmpty();
        }

        @Test
        void encodingMoreOrFewerValuesThanTypesIsRefused() {
            assertThatThrownBy(() -> codec.encodeArguments(new Object[] {1, 2}, new Type[] {int.class, int.class, int.class}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("2 arguments for 3 parameter types");
            assertThatThrownBy(() -> codec.encodeArguments(new Object[] {1}, new Type[0]))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("1 arguments for 0 parameter types");
        }

        @Test
        void decodingFewerValuesThanTheMethodTakesIsRefused() {
            assertThatThrownBy(() -> codec.decodeArguments(utf8("[1]"), new Type[] {int.class, String.class}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the encoded arguments hold 1 values, the method takes 2");
        }

        @Test
        void decodingMoreValuesThanTheMethodTakesIsRefused() {
            assertThatThrownBy(() -> codec.decodeArguments(utf8("[1, \"a\", true]"), new Type[] {int.class, String.class}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the encoded arguments hold more than the 2 values the method takes");
        }

        @Test
        void decodingSomethingOtherThanAnArrayIsRefused() {
            assertThatThrownBy(() -> codec.decodeArguments(utf8("{\"a\":1}"), new Type[] {int.class}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the encoded arguments are not a JSON array");
            assertThatThrownBy(() -> codec.decodeArguments(new byte[0], new Type[] {int.class}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the encoded arguments are not a JSON array");
        }

        @Test
        void anArgumentOfTheWrongShapeIsRefused() {
            assertThatThrownBy(() -> codec.decodeArguments(utf8("[\"not a number\"]"), new Type[] {int.class}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("cannot decode the arguments: ");
        }

        @Test
        void anArgumentThatCannotBeWrittenIsNamedByItsPosition() {
            assertThatThrownBy(() -> codec.encodeArguments(new Object[] {"fine", new Unwritable()},
                    new Type[] {String.class, Unwritable.class}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot encode argument 1 (a " + Unwritable.class.getName() + ")")
                    .hasMessageContaining("no value today");
        }

        @Test
        void argumentsOverTheSizeLimitAreRefused() {
            JsonCodec small = JsonCodec.withMaxBytes(20);
            assertThatThrownBy(() -> small.encodeArguments(new Object[] {"0123456789", "0123456789"},
                    new Type[] {String.class, String.class}))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("27 bytes")
                    .hasMessageContaining("limit of 20");
        }

        @Test
        void classHintsInArgumentsAreIgnored() {
            Gadget.CREATED.set(false);
            byte[] bytes = utf8("[{\"@class\":\"" + Gadget.class.getName() + "\",\"id\":\"r1\"},"
                    + "{\"@class\":\"" + Gadget.class.getName() + "\"}]");

            Object[] decoded = codec.decodeArguments(bytes, new Type[] {Receipt.class, Object.class});

            assertThat(decoded[0]).isEqualTo(new Receipt("r1", 0, null));
            assertThat(decoded[1]).isInstanceOf(LinkedHashMap.class);
            assertThat(Gadget.CREATED).isFalse();
        }
    }

    @Nested
    class Validation {

        @Test
        void refusesObject() {
            assertThatThrownBy(() -> codec.validate(Object.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Object")
                    .hasMessageContaining("concrete");
        }

        @Test
        void refusesAnInterface() {
            assertThatThrownBy(() -> codec.validate(Shape.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Shape.class.getName() + " is an interface")
                    .hasMessageContaining("concrete");
            assertThatThrownBy(() -> codec.validate(Runnable.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("java.lang.Runnable is an interface");
        }

        @Test
        void refusesAnAbstractClass() {
            assertThatThrownBy(() -> codec.validate(Animal.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Animal.class.getName() + " is abstract")
                    .hasMessageContaining("concrete");
            assertThatThrownBy(() -> codec.validate(Number.class))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("java.lang.Number is abstract");
        }

        @Test
        void acceptsConcreteTypesContainersOptionalsEnumsPrimitivesAndVoid() {
            codec.validate(Receipt.class);
            codec.validate(Circle.class);
            codec.validate(returnType("receipts"));
            codec.validate(returnType("receiptsById"));
            codec.validate(returnType("maybeReceipt"));
            codec.validate(Status.class);
            codec.validate(int.class);
            codec.validate(boolean.class);
            codec.validate(void.class);
            codec.validate(Void.class);
            codec.validate(String.class);
            codec.validate(Instant.class);
            codec.validate(BigDecimal.class);
            codec.validate(Annotated.class);
            assertThat(codec.decode(codec.encode(List.of(R1), returnType("receipts")), returnType("receipts")))
                    .isEqualTo(List.of(R1));
        }

        /**
         * validate() promises that values of an accepted type can be replayed. An interface inside a List, a Map,
         * an Optional or a record component cannot be created any more than a bare interface can, so each of these
         * must be refused at registration, not discovered when a duplicate replays (after the side effect ran).
         */
        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"shapes", "shapesByName", "maybeShape", "holder"})
        void aTypeWhoseValuesCannotBeReplayedIsRefused(String method) {
            Type type = returnType(method);
            Object value = switch (method) {
                case "shapes" -> List.of(new Circle(1));
                case "shapesByName" -> Map.of("c", new Circle(1));
                case "maybeShape" -> Optional.of(new Circle(1));
                default -> new ShapeHolder(new Circle(1));
            };
            byte[] bytes = codec.encode(value, type);

            Throwable replay = catchThrowable(() -> codec.decode(bytes, type));
            Throwable validation = catchThrowable(() -> codec.validate(type));

            assertThat(replay).as("replaying a %s", type.getTypeName())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Cannot construct instance of `" + Shape.class.getName() + "`");
            assertThat(validation)
                    .as("validate(%s) must refuse a type whose values cannot be replayed", type.getTypeName())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Shape.class.getName());
        }
    }

    @Nested
    class ThreadSafety {

        @Test
        void oneCodecServesManyThreads() throws Exception {
            Type type = returnType("receipts");
            AtomicInteger ok = new AtomicInteger();
            List<Thread> threads = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < 8; t++) {
                int thread = t;
                threads.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < 200; i++) {
                            Receipt receipt = new Receipt("t" + thread + "-" + i, i, R1.at());
                            Object back = codec.decode(codec.encode(List.of(receipt), type), type);
                            if (back.equals(List.of(receipt))) {
                                ok.incrementAndGet();
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join(60_000);
            }
            assertThat(failures).isEmpty();
            assertThat(ok).hasValue(8 * 200);
            assertThat(Arrays.asList(threads.toArray(new Thread[0]))).noneMatch(Thread::isAlive);
        }
    }
}
