package dev.idem.spring.boot.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import dev.idem.store.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * A real Boot web application on a random port, receiving concurrent duplicate webhook deliveries (the
 * bodies of {@code fixtures/webhooks}) over real HTTP. Subclasses choose the store.
 */
@SpringBootTest(classes = WebhookApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"management.endpoints.web.exposure.include=health,idempotency,metrics",
            "management.endpoint.health.show-details=always"})
abstract class WebhookTest {

    private static final int DUPLICATES = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

    private static HttpClient http;
    private static ExecutorService senders;

    @Value("${local.server.port}")
    private int port;

    @Autowired
    private IdempotencyStore store;

    @Autowired
    private WebhookApplication.Ledger ledger;

    @BeforeAll
    static void client() {
        senders = Executors.newFixedThreadPool(DUPLICATES);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void closeClient() {
        senders.shutdownNow();
    }

    /** The store class this application should use. */
    abstract String expectedStore();

    @Test
    void theStoreIsTheOneTheApplicationProvides() {
        assertThat(store.getClass().getSimpleName()).isEqualTo(expectedStore());
    }

    @Test
    void concurrentDuplicateDeliveriesWithAnIdempotencyKeyAreProcessedOnceAndReplayed() {
        List<Path> fixtures = fixtures();
        for (Path fixture : fixtures) {
            String key = RUN + "-" + fixture.getFileName();
            String body = read(fixture);
            List<HttpResponse<String>> responses = concurrently(() -> post("/webhooks/" + provider(fixture), key, body));
            List<HttpResponse<String>> fresh = responses.stream()
                    .filter(response -> response.statusCode() == 201 && response.headers().firstValue("Idempotent-Replayed").isEmpty())
                    .toList();
            assertThat(fresh).as(fixture + ": exactly one delivery ran").hasSize(1);
            assertThat(responses).as(fixture.toString()).allSatisfy(response ->
                    assertThat(response.statusCode()).isIn(201, 409));
            assertThat(ledger.runs("request " + key)).as(fixture.toString()).isOne();

            HttpResponse<String> replay = post("/webhooks/" + provider(fixture), key, body);
            assertThat(replay.statusCode()).isEqualTo(201);
            assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(replay.body()).isEqualTo(fresh.get(0).body());
            assertThat(replay.headers().firstValue("X-Receipt")).isEqualTo(fresh.get(0).headers().firstValue("X-Receipt"));
            assertThat(replay.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                    assertThat(type).startsWith("application/json"));
            assertThat(ledger.runs("request " + key)).isOne();
        }
    }

    @Test
    void concurrentDuplicateEventsAreProcessedOnceByTheIdempotentMethodAndAllGetItsResult() {
        for (Path fixture : fixtures()) {
            String delivery = RUN + "-" + fixture.getFileName();
            String body = read(fixture);
            List<HttpResponse<String>> responses = concurrently(() -> send(HttpRequest.newBuilder(uri("/events/"
                    + provider(fixture))).header("Content-Type", "application/json").header("webhook-id", delivery)
                    .POST(HttpRequest.BodyPublishers.ofString(body))));
            assertThat(responses).extracting(HttpResponse::statusCode).containsOnly(200);
            assertThat(responses).extracting(HttpResponse::body).as(fixture.toString()).containsOnly(responses.get(0).body());
            assertThat(ledger.runs("event " + delivery)).as(fixture.toString()).isOne();
        }
    }

    @Test
    void aMissingKeyIs400AsProblemDetails() throws IOException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/webhooks/stripe"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(response.statusCode()).isEqualTo(400);
        assertProblem(response, 400);
        assertThat(post("/optional", null, "{}").statusCode()).isEqualTo(200);
    }

    @Test
    void aKeyReusedWithAnotherPayloadIs422() throws IOException {
        String key = RUN + "-mismatch";
        assertThat(post("/webhooks/stripe", key, "{\"id\":\"evt_1\"}").statusCode()).isEqualTo(201);
        assertThat(post("/webhooks/stripe", key, "{ \"id\" : \"evt_1\" }").statusCode()).as("the same JSON, reformatted")
                .isEqualTo(201);
        HttpResponse<String> other = post("/webhooks/stripe", key, "{\"id\":\"evt_2\"}");
        assertThat(other.statusCode()).isEqualTo(422);
        assertProblem(other, 422);
        assertThat(ledger.runs("request " + key)).isOne();
    }

    @Test
    void aDuplicateWhileTheFirstRunsIs409ThenGetsTheReplay() throws IOException {
        String key = RUN + "-slow";
        CompletableFuture<HttpResponse<String>> first = CompletableFuture.supplyAsync(
                () -> post("/webhooks/stripe", key, "{\"id\":\"evt_slow\"}"), senders);
        await().atMost(Duration.ofSeconds(20)).until(ledger::slowEntered);
        HttpResponse<String> duplicate = post("/webhooks/stripe", key, "{\"id\":\"evt_slow\"}");
        assertThat(duplicate.statusCode()).isEqualTo(409);
        assertThat(duplicate.headers().firstValue("Retry-After")).isPresent();
        assertProblem(duplicate, 409);
        ledger.releaseSlow();
        assertThat(first.join().statusCode()).isEqualTo(201);
        HttpResponse<String> replay = post("/webhooks/stripe", key, "{\"id\":\"evt_slow\"}");
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        assertThat(replay.body()).isEqualTo(first.join().body());
        assertThat(ledger.runs("request " + key)).isOne();
    }

    @Test
    void aServerErrorIsPassedOnButNotStoredSoTheRetryRunsAgain() {
        String key = RUN + "-unavailable";
        assertThat(post("/unavailable", key, "{}").statusCode()).isEqualTo(503);
        assertThat(post("/unavailable", key, "{}").statusCode()).isEqualTo(503);
        assertThat(ledger.runs("unavailable " + key)).isEqualTo(2);
    }

    @Test
    void actuatorShowsRecordsHistoryHealthAndMetrics() throws IOException {
        String key = RUN + "-actuator";
        assertThat(post("/webhooks/stripe", key, "{\"id\":\"evt_a\"}").statusCode()).isEqualTo(201);

        String namespace = WebhookApplication.Webhooks.class.getName() + "#receive";
        JsonNode listing = JSON.readTree(get("/actuator/idempotency?state=COMPLETED&limit=1000&namespace="
                + URLEncoder.encode(namespace, StandardCharsets.UTF_8)).body());
        assertThat(listing.path("counts").path("COMPLETED").asLong()).isPositive();
        List<String> keys = new ArrayList<>();
        listing.path("records").forEach(record -> keys.add(record.path("key").asText()));
        String fullKey = keys.stream().filter(k -> k.endsWith(" " + key)).findFirst().orElseThrow();

        HttpResponse<String> one = get("/actuator/idempotency/" + encodePath(fullKey));
        assertThat(one.statusCode()).isEqualTo(200);
        JsonNode report = JSON.readTree(one.body());
        assertThat(report.path("record").path("state").asText()).isEqualTo("COMPLETED");
        List<String> events = new ArrayList<>();
        report.path("history").forEach(entry -> events.add(entry.path("event").asText()));
        assertThat(events).containsExactly("CLAIMED", "COMPLETED");

        HttpResponse<String> cancel = send(HttpRequest.newBuilder(uri("/actuator/idempotency/" + encodePath(fullKey)))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"action\":\"cancel\"}")));
        assertThat(JSON.readTree(cancel.body()).path("result").asText()).isEqualTo("WRONG_STATE");
        assertThat(get("/actuator/idempotency/" + encodePath(fullKey + "-none")).statusCode()).isEqualTo(404);

        JsonNode health = JSON.readTree(get("/actuator/health").body());
        assertThat(health.path("components").path("idem").path("status").asText()).isEqualTo("UP");
        JsonNode calls = JSON.readTree(get("/actuator/metrics/idem.calls").body());
        assertThat(calls.path("measurements").get(0).path("value").asDouble()).isPositive();
        assertThat(get("/actuator/metrics/idem.store.latency").statusCode()).isEqualTo(200);
    }

    private void assertProblem(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
                assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = JSON.readTree(response.body());
        assertThat(problem.path("status").asInt()).isEqualTo(status);
        assertThat(problem.path("title").asText()).isNotBlank();
        assertThat(problem.path("detail").asText()).isNotBlank();
    }

    private List<HttpResponse<String>> concurrently(java.util.function.Supplier<HttpResponse<String>> delivery) {
        List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
        for (int i = 0; i < DUPLICATES; i++) {
            sent.add(CompletableFuture.supplyAsync(delivery, senders));
        }
        return sent.stream().map(CompletableFuture::join).toList();
    }

    private HttpResponse<String> post(String path, String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("Idempotency-Key", "\"" + key + "\"");
        }
        return send(request);
    }

    private HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private static String encodePath(String key) {
        return URLEncoder.encode(key, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
    }

    private static String provider(Path fixture) {
        return fixture.getParent().getFileName().toString();
    }

    private static List<Path> fixtures() {
        Path root = Path.of(System.getProperty("idem.fixtures", "../../fixtures/webhooks"));
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> bodies = files.filter(file -> file.toString().endsWith(".json")
                    && !file.toString().endsWith(".headers.json")).sorted().toList();
            assertThat(bodies).as("webhook fixtures in " + root.toAbsolutePath()).hasSizeGreaterThan(20);
            return bodies;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
