package dev.idem;

import dev.idem.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idem.store.Keys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class FingerprintsTest {

    private static final ObjectMapper PLAIN = new ObjectMapper();

    record Order(String id, long cents, Map<String, Object> metadata) {
    }

    record OrderDeclaredTheOtherWay(Map<String, Object> metadata, long cents, String id) {
    }

    /** A bean whose fields and getters are declared out of alphabetical order. */
    public static final class OrderBean {
        private final long cents;
        private final String id;
        private final Map<String, Object> metadata;

        OrderBean(String id, long cents, Map<String, Object> metadata) {
            this.cents = cents;
            this.id = id;
            this.metadata = metadata;
        }

        public Map<String, Object> getMetadata() {
            return metadata;
        }

        public String getId() {
            return id;
        }

        public long getCents() {
            return cents;
        }
    }

    /** Cannot be written as JSON: its getter throws. */
    public static final class Unwritable {
        public String getSecret() {
            throw new IllegalStateException("the secret getter fails");
        }
    }

    private static String fp(Object... values) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            names.add("p" + i);
        }
        return Fingerprints.of(values, names);
    }

    // ----- fixtures -----

    static Path webhooks() {
        return Fixtures.webhooks();
    }

    static byte[] fixture(String relative) {
        return Fixtures.bytes(relative);
    }

    static Stream<String> jsonBodies() {
        List<String> bodies = new ArrayList<>();
        for (String folder : List.of("stripe", "standard-webhooks")) {
            try (Stream<Path> files = Files.list(webhooks().resolve(folder))) {
                files.map(path -> folder + "/" + path.getFileName())
                        .filter(name -> name.endsWith(".json") && !name.endsWith(".headers.json"))
                        .sorted()
                        .forEach(bodies::add);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        assertThat(bodies).as("fixture bodies").hasSizeGreaterThanOrEqualTo(8);
        return bodies.stream();
    }

    /** Removes all whitespace outside string literals, without any JSON library. */
    static String minify(String json) {
        return outsideStrings(json, new StringBuilder(json.length()), (out, c) -> {
            if (!Character.isWhitespace(c)) {
                out.append(c);
            }
        }).toString();
    }

    /** Adds whitespace around every structural character outside string literals, without any JSON library. */
    static String loosen(String json) {
        return outsideStrings(json, new StringBuilder(json.length() * 2).append("\r\n "), (out, c) -> {
            if ("{}[],:".indexOf(c) >= 0) {
                out.append(" \t").append(c).append("\n    ");
            } else {
                out.append(c);
            }
        }).append("\n\n").toString();
    }

    /** Copies the string literals of {@code json} to {@code out} and hands every other character to {@code rewrite}. */
    private static StringBuilder outsideStrings(String json, StringBuilder out, BiConsumer<StringBuilder, Character> rewrite) {
        boolean inString = false;
        boolean escaped = false;
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                out.append(c);
                if (escaped) {
                    escaped = false;
                } else if (c == '\\') {
                    escaped = true;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
                out.append(c);
            } else {
                rewrite.accept(out, c);
            }
        }
        return out;
    }

    /** The same document with every object's keys in reverse order, pretty-printed. */
    static String reordered(String json) throws IOException {
        Object tree = PLAIN.readValue(json, Object.class);
        return PLAIN.writerWithDefaultPrettyPrinter().writeValueAsString(reverse(tree));
    }

    @SuppressWarnings("unchecked")
    private static Object reverse(Object node) {
        if (node instanceof Map) {
            List<Map.Entry<String, Object>> entries = new ArrayList<>(((Map<String, Object>) node).entrySet());
            Collections.reverse(entries);
            Map<String, Object> reversed = new LinkedHashMap<>();
            for (Map.Entry<String, Object> entry : entries) {
                reversed.put(entry.getKey(), reverse(entry.getValue()));
            }
            return reversed;
        }
        if (node instanceof List) {
            return ((List<Object>) node).stream().map(FingerprintsTest::reverse).collect(Collectors.toList());
        }
        return node;
    }

    @Nested
    class Format {

        @Test
        void isTheLowerCaseHexSha256OfTheCanonicalJsonArrayOfTheValues() {
            Map<String, Object> value = new LinkedHashMap<>();
            value.put("b", 1);
            value.put("a", java.util.Arrays.asList(true, null));

            assertThat(fp()).isEqualTo(Keys.sha256Hex("[]").substring(0, 32));
            assertThat(fp("abc")).isEqualTo(Keys.sha256Hex("[\"abc\"]").substring(0, 32));
            assertThat(fp(value, 7, null)).isEqualTo(Keys.sha256Hex("[{\"a\":[true,null],\"b\":1},7,null]").substring(0, 32));
            assertThat(fp(Instant.parse("2025-01-02T03:04:05Z")))
                    .isEqualTo(Keys.sha256Hex("[\"2025-01-02T03:04:05Z\"]").substring(0, 32));
            assertThat(fp(new Order("o1", 5, Map.of())))
                    .isEqualTo(Keys.sha256Hex("[{\"cents\":5,\"id\":\"o1\",\"metadata\":{}}]").substring(0, 32))
                    .matches("[0-9a-f]{32}");
        }

        @Test
        void isStableAcrossCallsAndThreads() throws Exception {
            Order order = new Order("o1", 1250, Map.of("b", 2, "a", List.of(1, 2, 3)));
            String expected = fp(order, "{\"x\": 1}");
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 400; i++) {
                    results.add(pool.submit(() -> fp(order, "{\"x\": 1}")));
                }
                for (Future<String> result : results) {
                    assertThat(result.get(30, TimeUnit.SECONDS)).isEqualTo(expected);
                }
            } finally {
                pool.shutdownNow();
                assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Nested
    class SameContentSameFingerprint {

        @Test
        void propertyOrderDoesNotMatter() {
            Map<String, Object> meta = Map.of("channel", "web", "attempt", 2);
            String record = fp(new Order("o1", 1250, meta));

            assertThat(fp(new OrderDeclaredTheOtherWay(meta, 1250, "o1"))).isEqualTo(record);
            assertThat(fp(new OrderBean("o1", 1250, meta))).isEqualTo(record);
        }

        @Test
        void mapOrderDoesNotMatterAtAnyDepth() {
            Map<String, Object> inner1 = new LinkedHashMap<>();
            inner1.put("z", 1);
            inner1.put("a", 2);
            Map<String, Object> outer1 = new LinkedHashMap<>();
            outer1.put("second", inner1);
            outer1.put("first", List.of(Map.of("y", 1, "x", 2)));

            Map<String, Object> inner2 = new LinkedHashMap<>();
            inner2.put("a", 2);
            inner2.put("z", 1);
            Map<String, Object> outer2 = new TreeMap<>();
            outer2.put("first", List.of(new TreeMap<>(Map.of("x", 2, "y", 1))));
            outer2.put("second", inner2);

            Map<String, Object> outer3 = new HashMap<>(outer1);

            assertThat(fp(outer1)).isEqualTo(fp(outer2)).isEqualTo(fp(outer3));
        }

        @Test
        void aRecordAndAMapWithTheSameContentAgree() {
            Map<String, Object> asMap = new LinkedHashMap<>();
            asMap.put("metadata", Map.of());
            asMap.put("id", "o1");
            asMap.put("cents", 5);

            assertThat(fp(asMap)).isEqualTo(fp(new Order("o1", 5, Map.of())));
        }

        @Test
        void equalRecordsAgree() {
            assertThat(fp(new Order("o1", 5, Map.of("k", "v")), Optional.of("x")))
                    .isEqualTo(fp(new Order("o1", 5, Map.of("k", "v")), Optional.of("x")));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.idem.FingerprintsTest#jsonBodies")
        void aMinifiedAndAPrettyPrintedBodyAgree(String fixture) {
            String raw = new String(fixture(fixture), StandardCharsets.UTF_8);
            String minified = minify(raw);
            String loose = loosen(minified);

            assertThat(loose).isNotEqualTo(minified);
            assertThat(minify(loose)).isEqualTo(minified);
            assertThat(fp(minified)).isEqualTo(fp(raw)).isEqualTo(fp(loose));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.idem.FingerprintsTest#jsonBodies")
        void aBodyWithItsKeysInAnotherOrderAgrees(String fixture) throws IOException {
            String raw = new String(fixture(fixture), StandardCharsets.UTF_8);

            assertThat(fp(reordered(raw))).isEqualTo(fp(raw));
        }

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.idem.FingerprintsTest#jsonBodies")
        void aBodyAsBytesAgreesWithTheSameBodyAsAString(String fixture) {
            byte[] bytes = fixture(fixture);
            String text = new String(bytes, StandardCharsets.UTF_8);

            assertThat(fp((Object) bytes)).isEqualTo(fp(text))
                    .isEqualTo(fp((Object) minify(text).getBytes(StandardCharsets.UTF_8)));
        }

        @Test
        void theStandardWebhooksMinifiedThinPayloadAgreesWithItsPrettyPrintedForm() throws IOException {
            byte[] minified = fixture("standard-webhooks/spec-contact-created-thin.min.json");
            String pretty = PLAIN.writerWithDefaultPrettyPrinter().writeValueAsString(PLAIN.readValue(minified, Object.class));

            assertThat(pretty).contains("\n");
            assertThat(fp((Object) minified)).isEqualTo(fp(pretty));
        }
    }

    @Nested
    class DifferentContentDifferentFingerprint {

        @Test
        void anyChangedValueChangesIt() {
            String base = fp(new Order("o1", 1250, Map.of("k", "v")));
            assertThat(fp(new Order("o2", 1250, Map.of("k", "v")))).isNotEqualTo(base);
            assertThat(fp(new Order("o1", 1251, Map.of("k", "v")))).isNotEqualTo(base);
            assertThat(fp(new Order("o1", 1250, Map.of("k", "w")))).isNotEqualTo(base);
            assertThat(fp(new Order("o1", 1250, Map.of("k", "v", "extra", 1)))).isNotEqualTo(base);
            assertThat(fp(new Order("o1", 1250, null))).isNotEqualTo(base);
        }

        @Test
        void argumentOrderTypesAndBoundariesMatter() {
            assertThat(fp("a", "b")).isNotEqualTo(fp("b", "a"));
            assertThat(fp("ab", "c")).isNotEqualTo(fp("a", "bc"));
            assertThat(fp(1)).isNotEqualTo(fp("1"));
            assertThat(fp((Object) null)).isNotEqualTo(fp("null"));
            assertThat(fp(List.of(1, 2))).isNotEqualTo(fp(List.of(2, 1)));
            assertThat(fp("x")).isNotEqualTo(fp("x", (Object) null));
        }

        @Test
        void theTwoStripeFixturesSharingOneEventIdDiffer() {
            byte[] deauthorized = fixture("stripe/account-application-deauthorized.json");
            byte[] refunded = fixture("stripe/charge-refunded.legacy.json");
            assertThat(new String(deauthorized, StandardCharsets.UTF_8)).contains("\"evt_00000000000000\"");
            assertThat(new String(refunded, StandardCharsets.UTF_8)).contains("\"evt_00000000000000\"");

            assertThat(fp((Object) deauthorized)).isNotEqualTo(fp((Object) refunded));
        }

        @Test
        void theThinAndTheFullStandardWebhooksPayloadsDiffer() {
            assertThat(fp((Object) fixture("standard-webhooks/spec-contact-created-thin.min.json")))
                    .isNotEqualTo(fp((Object) fixture("standard-webhooks/spec-contact-created-full.json")));
        }

        @Test
        void textThatOnlyLooksLikeJsonIsHashedAsText() {
            assertThat(fp("{not json")).isNotEqualTo(fp("{not  json"));
            assertThat(fp("[1, 2")).isNotEqualTo(fp("[1,2"));
            assertThat(fp("plain text")).isNotEqualTo(fp(" plain text"));
        }

        @Test
        void stringsWithUnpairedSurrogatesAreFingerprintedAndToldApart() {
            assertThat(fp("a\ud800")).isNotEqualTo(fp("a\udc00")).isNotEqualTo(fp("a?")).matches("[0-9a-f]{32}");
            assertThat(fp("[\"a\\ud800\"]")).isNotEqualTo(fp("[\"a\\udc00\"]"));
        }

        @Test
        void bytesThatAreNotJsonAreHashedAsBytes() {
            assertThat(fp((Object) new byte[] {1, 2, 3})).isNotEqualTo(fp((Object) new byte[] {1, 2, 4}));
            assertThat(fp((Object) "{oops".getBytes(StandardCharsets.UTF_8)))
                    .isNotEqualTo(fp((Object) "{oops!".getBytes(StandardCharsets.UTF_8)));
        }

        /**
         * A body is canonicalised only if it is one JSON document. Jackson stops after the first value unless told to
         * fail on trailing tokens, so two bodies with the same first document and different trailing content (a
         * newline-delimited JSON batch, or a tampered body) must still be told apart.
         */
        @Test
        void contentAfterTheFirstJsonDocumentIsNotIgnored() {
            String single = "{\"id\":\"evt_1\",\"amount\":100}";
            String batch = single + "\n{\"id\":\"evt_2\",\"amount\":999999}";

            assertThat(fp(batch)).as("a JSON body followed by more data").isNotEqualTo(fp(single));
            assertThat(fp((Object) batch.getBytes(StandardCharsets.UTF_8)))
                    .isNotEqualTo(fp((Object) single.getBytes(StandardCharsets.UTF_8)));
            assertThat(fp("[1] trailing garbage")).isNotEqualTo(fp("[1]"));
        }

        /**
         * Canonical JSON must not round numbers: two amounts that differ in the 18th significant digit (an 18-decimal
         * token amount, say) are different payloads.
         */
        @Test
        void numbersAreNotRoundedToDoubles() {
            String a = "{\"amount\":0.123456789012345678}";
            String b = "{\"amount\":0.123456789012345679}";

            assertThat(fp(a)).as("amounts that differ beyond double precision").isNotEqualTo(fp(b));
            assertThat(fp("[1e400]")).as("numbers beyond the range of a double").isNotEqualTo(fp("[2e400]"));
        }
    }

    @Nested
    class Errors {

        @Test
        void anUnserializableArgumentIsAnIllegalArgumentNamingTheParameter() {
            assertThatThrownBy(() -> Fingerprints.of(new Object[] {"fine", new Unwritable()}, List.of("event", "order")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot fingerprint parameter 'order'")
                    .hasMessageContaining(Unwritable.class.getName())
                    .hasMessageContaining("the secret getter fails")
                    .hasMessageContaining("fingerprintParameters");
        }

        @Test
        void aSelfReferencingArgumentIsAnIllegalArgumentNotAStackOverflow() {
            Map<String, Object> loop = new HashMap<>();
            loop.put("self", loop);

            assertThatThrownBy(() -> Fingerprints.of(new Object[] {loop}, List.of("payload")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("cannot fingerprint parameter 'payload'");
        }
    }
}
