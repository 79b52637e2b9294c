package dev.idem;

import dev.idem.testing.Fixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WellKnownIdentityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = fixtures();

    private static Path fixtures() {
        return Fixtures.webhooks();
    }

    private static String body(String file) {
        try {
            return Files.readString(FIXTURES.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> map(String file) {
        try {
            return JSON.readValue(body(file), new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record StripeEvent(String id, String type) {
    }

    private record Delivery(String eventId, String id) {
    }

    private record SdkLikeCloudEvent(String specVersion, String id, URI source) {
    }

    private record Broken(String id) {
        @Override
        public String id() {
            throw new IllegalStateException("detached entity");
        }
    }

    @Test
    void stripeBodyGivesTheEventId() {
        String body = body("stripe/customer-updated.json");

        assertThat(WellKnownIdentity.find(new Object[] {body})).isEqualTo("evt_1DHsSdKCFFPkgtRhy4YMdffC");
        assertThat(WellKnownIdentity.find(new Object[] {body.getBytes()})).isEqualTo("evt_1DHsSdKCFFPkgtRhy4YMdffC");
        assertThat(WellKnownIdentity.find(new Object[] {map("stripe/customer-updated.json")}))
                .isEqualTo("evt_1DHsSdKCFFPkgtRhy4YMdffC");
        assertThat(WellKnownIdentity.find(new Object[] {new StripeEvent("evt_123", "customer.created")}))
                .isEqualTo("evt_123");
    }

    @Test
    void gitHubHeadersGiveTheDeliveryId() {
        Object[] args = {body("github/issues-opened.json"), map("github/issues-opened.headers.json")};

        assertThat(WellKnownIdentity.find(args)).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    }

    @Test
    void headerNamesMatchInAnyCase() {
        Map<String, Object> lowerCase = new LinkedHashMap<>();
        map("github/issues-opened.headers.json")
                .forEach((name, value) -> lowerCase.put(name.toLowerCase(Locale.ROOT), value));

        assertThat(lowerCase).containsKey("x-github-delivery");
        assertThat(WellKnownIdentity.find(new Object[] {lowerCase})).isEqualTo("72d3162e-cc78-11e3-81ab-4c9367dc0958");
    }

    @Test
    void multiValuedHeadersGiveTheirFirstValue() {
        Map<String, List<String>> headers = Map.of("X-GitHub-Delivery", List.of("delivery-1", "delivery-2"));
        Map<String, String[]> servletStyle = Map.of("x-github-delivery", new String[] {"delivery-3"});

        assertThat(WellKnownIdentity.find(new Object[] {headers})).isEqualTo("delivery-1");
        assertThat(WellKnownIdentity.find(new Object[] {servletStyle})).isEqualTo("delivery-3");
    }

    @Test
    void snsHeadersAndBodyGiveTheSameMessageId() {
        assertThat(WellKnownIdentity.find(new Object[] {map("aws/sns-http-notification.headers.json")}))
                .isEqualTo("22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324");
        assertThat(WellKnownIdentity.find(new Object[] {body("aws/sns-http-notification.json")}))
                .isEqualTo("22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324");
        assertThat(WellKnownIdentity.find(new Object[] {body("aws/sns-http-subscription-confirmation.json")}))
                .isEqualTo("165545c9-2a5c-472c-8df2-7ff2be2b3b1b");
    }

    @Test
    void cloudEventsInBinaryAndStructuredModeGiveTheSameIdentity() {
        String binary = WellKnownIdentity.find(new Object[] {
            body("cloudevents/binary-mode-data-object.json"), map("cloudevents/binary-mode-data-object.headers.json")});
        String structured = WellKnownIdentity.find(new Object[] {body("cloudevents/structured-json-data-object.json")});
        String otherData = WellKnownIdentity.find(new Object[] {map("cloudevents/structured-json-data-number.json")});

        assertThat(binary).isEqualTo("/mycontext C234-1234-1234");
        assertThat(structured).isEqualTo(binary);
        assertThat(otherData).isEqualTo(binary);
    }

    @Test
    void aCloudEventWithTheSameIdFromAnotherSourceIsAnotherEvent() throws IOException {
        List<Map<String, Object>> batch = JSON.readValue(body("cloudevents/batch.json"),
                new TypeReference<List<Map<String, Object>>>() { });

        String identity = WellKnownIdentity.find(new Object[] {batch.get(1)});

        assertThat(identity).isEqualTo("/mycontext/9 C234-1234-1234").isNotEqualTo("/mycontext C234-1234-1234");
    }

    @Test
    void cloudEventHeaderNamesMatchInAnyCaseAndObjectsCount() {
        Map<String, String> upperCase = Map.of("CE-ID", "A-1", "CE-SOURCE", "/orders", "id", "body-id");
        SdkLikeCloudEvent sdk = new SdkLikeCloudEvent("V1", "A-1", URI.create("/orders"));

        assertThat(WellKnownIdentity.find(new Object[] {upperCase})).isEqualTo("/orders A-1");
        assertThat(WellKnownIdentity.find(new Object[] {sdk})).isEqualTo("/orders A-1");
    }

    @Test
    void standardWebhooksAndShopifyHeadersGiveTheirIds() {
        assertThat(WellKnownIdentity.find(new Object[] {
            body("standard-webhooks/go-test-sign.json"), map("standard-webhooks/go-test-sign.headers.json")}))
                .isEqualTo("msg_p5jXN8AQM9LWM0D4loKWxJek");
        assertThat(WellKnownIdentity.find(new Object[] {
            body("shopify/products-create.test.json"), map("shopify/products-create.test.headers.json")}))
                .isEqualTo("123456789");
    }

    @Test
    void anIdempotencyKeyHeaderBeatsABodyId() {
        String stripeBody = body("stripe/customer-created.connect.json");
        Map<String, String> headers = Map.of("Idempotency-Key", "order-42");

        assertThat(WellKnownIdentity.find(new Object[] {stripeBody, headers})).isEqualTo("order-42");
        assertThat(WellKnownIdentity.find(new Object[] {stripeBody})).isEqualTo("evt_123");
    }

    @Test
    void namesAreTriedInPriorityOrderAcrossArguments() {
        Object[] args = {Map.of("id", "plain-id"), new Delivery("event-id", "other-id")};

        assertThat(WellKnownIdentity.find(args)).isEqualTo("event-id");
    }

    @Test
    void blankValuesDoNotCount() {
        Map<String, Object> headers = Map.of("Idempotency-Key", "  ", "X-GitHub-Delivery", List.of());

        assertThat(WellKnownIdentity.find(new Object[] {headers, Map.of("id", "body-id")})).isEqualTo("body-id");
    }

    @Test
    void findsNothingWhenNoArgumentCarriesAnIdentity() {
        Map<String, Object> shopifyHeadersWithoutId = map("shopify/products-create.test.headers.json");
        shopifyHeadersWithoutId.remove("X-Shopify-Webhook-Id");
        String shopifyBody = body("shopify/products-create.test.json");

        assertThat(WellKnownIdentity.find(new Object[] {shopifyBody, shopifyHeadersWithoutId})).isNull();
        assertThat(WellKnownIdentity.find(new Object[] {"evt_123", 42, UUID.randomUUID(), LocalDate.EPOCH, null}))
                .isNull();
        assertThat(WellKnownIdentity.find(new Object[] {Thread.currentThread()})).isNull();
        assertThat(WellKnownIdentity.find(new Object[] {List.of(Map.of("id", "in-a-list"))})).isNull();
        assertThat(WellKnownIdentity.find(new Object[0])).isNull();
        assertThat(WellKnownIdentity.find(null)).isNull();
    }

    @Test
    void ignoresTextThatIsNotAJsonObject() {
        assertThat(WellKnownIdentity.find(new Object[] {"{\"id\": \"evt_1\""})).isNull();
        assertThat(WellKnownIdentity.find(new Object[] {"{not json}"})).isNull();
        assertThat(WellKnownIdentity.find(new Object[] {"[{\"id\": \"evt_1\"}]"})).isNull();
        assertThat(WellKnownIdentity.find(new Object[] {"{\"data\": {\"id\": \"nested\"}}"})).isNull();
        assertThat(WellKnownIdentity.find(new Object[] {"  {\"id\": 1234}"})).isEqualTo("1234");
    }

    @Test
    void aGetterThatThrowsIsNotHidden() {
        assertThatThrownBy(() -> WellKnownIdentity.find(new Object[] {new Broken("x")}))
                .isInstanceOf(PropertyAccess.ReadException.class)
                .hasMessageContaining("reading property 'id' of Broken threw");
    }
}
