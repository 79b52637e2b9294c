package dev.idem.it.app;

import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Settles payouts with a downstream ledger over HTTP ({@code POST <downstream>/settle/<event>}). When the ledger
 * is down, the call retries twice in process, then is deferred: a worker of the agent runs it again later, on
 * this JVM or another. Thread-safe.
 */
public final class Payouts {

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String downstream;
    private final String node;

    Payouts(String downstream, String node) {
        this.downstream = downstream;
        this.node = node;
    }

    /** Settles {@code eventId} once; returns the ledger's receipt. */
    @Idempotent(key = "#eventId")
    @Retryable(maxAttempts = 2, delay = "20ms", defer = true, deferMaxAttempts = 40, deferDelay = "1s",
            deferMaxDelay = "4s")
    public String settle(String eventId, long cents) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(downstream + "/settle/" + eventId))
                .timeout(Duration.ofSeconds(10)).header("X-Node", node)
                .POST(HttpRequest.BodyPublishers.ofString(Long.toString(cents))).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the ledger answered " + response.statusCode() + " for " + eventId);
        }
        return response.body();
    }
}
