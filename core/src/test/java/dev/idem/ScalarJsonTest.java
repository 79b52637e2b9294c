package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The plain JSON of strings, whole numbers and booleans is Jackson's, byte for byte, both ways. */
class ScalarJsonTest {

    private static final ObjectMapper JACKSON = JsonCodec.defaultMapper();
    private static final List<Class<?>> TYPES = List.of(String.class, int.class, Integer.class, long.class, Long.class,
            short.class, Short.class, byte.class, Byte.class, boolean.class, Boolean.class, void.class, Void.class);

    @Test
    void everyOneCharacterStringIsWrittenAsJacksonWritesItOrLeftToJackson() throws Exception {
        int written = 0;
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            written += sameAsJackson("a" + c + "z") ? 1 : 0;
        }
        assertThat(written).as("characters written without Jackson").isEqualTo(0xFFFF - 0x20 - 2 - 0x800);
    }

    @Test
    void randomStringsNumbersAndBooleansAreWrittenAsJacksonWritesThem() throws Exception {
        Random random = new Random(42);
        List<Object> values = new ArrayList<>(List.of("", "pay_1", "ünïcödé €", "emoji 💳", "tab\tand \"quote\"",
                "\u2028 \u007f /", Integer.MIN_VALUE, Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, (short) -7,
                (byte) 127, 0, true, false));
        for (int i = 0; i < 2_000; i++) {
            StringBuilder text = new StringBuilder();
            for (int length = random.nextInt(12); length > 0; length--) {
                text.append((char) (random.nextBoolean() ? 0x20 + random.nextInt(0x60) : random.nextInt(0x10000)));
            }
            values.add(text.toString());
            values.add(random.nextLong());
            values.add(random.nextInt());
        }
        int written = 0;
        for (Object value : values) {
            written += sameAsJackson(value) ? 1 : 0;
        }
        assertThat(written).as("values written without Jackson").isGreaterThan(values.size() / 2);
    }

    @Test
    void whatIsWrittenReadsBackAsJacksonReadsItForEveryTypeThatCanHoldIt() throws Exception {
        List<Object> values = List.of("", "pay_1", "ünïcödé €", 0, -1, 127, -128, 128, 32_768, Integer.MIN_VALUE,
                Integer.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, true, false);
        int read = 0;
        for (Object value : values) {
            byte[] json = ScalarJson.encode(value);
            for (Class<?> type : TYPES) {
                Object fast = ScalarJson.decode(json, type);
                if (fast != ScalarJson.NOT_HANDLED) {
                    assertThat(fast).as("%s read as %s", value, type).isEqualTo(JACKSON.readerFor(type).readValue(json));
                    read++;
                }
            }
        }
        assertThat(read).isGreaterThan(values.size());
    }

    @Test
    void nullIsJacksonsNullForEveryBoxAndStringButAPrimitiveIsLeftToJackson() throws Exception {
        byte[] json = ScalarJson.encode(null);

        assertThat(json).isEqualTo(JACKSON.writeValueAsBytes(null));
        for (Class<?> type : TYPES) {
            Object fast = ScalarJson.decode(json, type);
            assertThat(fast).as(type.getName()).isEqualTo(type.isPrimitive() && type != void.class
                    ? ScalarJson.NOT_HANDLED : JACKSON.readerFor(type).readValue(json));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-0", "+1", " 1", "1 ", "1.0", "1e3", "\"1\"", "2147483648", "99999999999999999999",
        "-", "", "tru", "TRUE", "\"a\\u0041\"", "\"a\\\"b\"", "\"open", "\"\t\"", "[1]", "{}", "nul"})
    void anythingButTheCanonicalFormIsLeftToJacksonAndTheCodecAnswersAsJacksonDoes(String text) {
        byte[] json = text.getBytes(StandardCharsets.UTF_8);
        JsonCodec codec = JsonCodec.create();
        for (Class<?> type : List.of(String.class, int.class, Integer.class, boolean.class, Boolean.class)) {
            if (!(text.equals("\"1\"") && type == String.class)) {
                assertThat(ScalarJson.decode(json, type)).as("%s as %s", text, type).isSameAs(ScalarJson.NOT_HANDLED);
            }
            Object jackson;
            try {
                jackson = JACKSON.readerFor(type).readValue(json);
            } catch (Exception refused) {
                assertThat(catchThrowable(() -> codec.decode(json, type))).as("%s as %s", text, type)
                        .isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            assertThat(codec.decode(json, type)).as("%s as %s", text, type).isEqualTo(jackson);
        }
    }

    @Test
    void malformedUtf8IsLeftToJackson() {
        byte[] json = {'"', (byte) 0xC3, '"'};

        assertThat(ScalarJson.decode(json, String.class)).isSameAs(ScalarJson.NOT_HANDLED);
        assertThat(catchThrowable(() -> JsonCodec.create().decode(json, String.class)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anArrayOfPlainValuesIsJacksonsArrayAndOneOtherValueLeavesTheWholeArrayToJackson() throws Exception {
        Object[] plain = {"evt_1", 42L, (short) 3, (byte) -1, 7, true, null, ""};

        assertThat(ScalarJson.encodeArray(plain)).isEqualTo(JACKSON.writeValueAsBytes(plain));
        assertThat(ScalarJson.encodeArray(new Object[0])).isEqualTo(JACKSON.writeValueAsBytes(new Object[0]));
        assertThat(ScalarJson.encodeArray(new Object[] {"evt_1", 1.5})).isNull();
        assertThat(ScalarJson.encodeArray(new Object[] {"line\n"})).isNull();
        assertThat(ScalarJson.encodeArray(new Object[] {new StringBuilder("evt_1")})).isNull();
    }

    @Test
    void theCodecBuildsNoMapperForPlainValuesAndOneForTheFirstOtherValue() {
        JsonCodec codec = JsonCodec.create();
        codec.validate(int.class);
        codec.validate(String.class);
        assertThat(codec.decode(codec.encode("evt_1", String.class), String.class)).isEqualTo("evt_1");
        assertThat(codec.decode(codec.encode(7L, long.class), long.class)).isEqualTo(7L);
        assertThat(codec.decode(codec.encode(null, void.class), void.class)).isNull();

        assertThat(codec.hasMapper()).isFalse();

        assertThat(codec.decode(codec.encode(1.5, double.class), double.class)).isEqualTo(1.5);
        assertThat(codec.hasMapper()).isTrue();
    }

    private static boolean sameAsJackson(Object value) throws Exception {
        byte[] fast = ScalarJson.encode(value);
        if (fast == null) {
            return false;
        }
        assertThat(new String(fast, StandardCharsets.UTF_8)).as("%s", value)
                .isEqualTo(new String(JACKSON.writeValueAsBytes(value), StandardCharsets.UTF_8));
        assertThat(fast).isEqualTo(JACKSON.writeValueAsBytes(value));
        return true;
    }
}
