package dev.idem.spring.boot.webapp;

import dev.idem.annotation.Idempotent;
import dev.idem.spring.IdempotentRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.util.LinkedCaseInsensitiveMap;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/** A webhook receiver: HTTP-level {@code Idempotency-Key} handling, and method-level deduplication of events. */
@SpringBootApplication
public class WebhookApplication {

    /** Counts what ran, and holds the "slow" requests until a test lets them go. */
    @Service
    public static class Ledger {
        private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
        private final AtomicInteger receipts = new AtomicInteger();
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);

        public int record(String key) {
            runs.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (key.contains("slow")) {
                entered.countDown();
                await(release);
            }
            return receipts.incrementAndGet();
        }

        public int runs(String key) {
            AtomicInteger count = runs.get(key);
            return count == null ? 0 : count.get();
        }

        public boolean slowEntered() {
            return entered.getCount() == 0;
        }

        public void releaseSlow() {
            release.countDown();
        }

        private static void await(CountDownLatch latch) {
            try {
                if (!latch.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never released the slow request");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Processes each event once, whatever the number of deliveries; the key is the delivery's well-known id. */
    @Service
    public static class Events {
        private final Ledger ledger;

        public Events(Ledger ledger) {
            this.ledger = ledger;
        }

        @Idempotent(fingerprintParameters = "body")
        public String process(String provider, Map<String, String> headers, String body) {
            Map<String, String> named = new LinkedCaseInsensitiveMap<>();
            named.putAll(headers);
            return provider + "-event-" + ledger.record("event " + named.get("webhook-id"));
        }
    }

    @RestController
    public static class Webhooks {
        private final Ledger ledger;
        private final Events events;

        public Webhooks(Ledger ledger, Events events) {
            this.ledger = ledger;
            this.events = events;
        }

        @PostMapping("/webhooks/{provider}")
        @IdempotentRequest
        public ResponseEntity<Map<String, Object>> receive(@PathVariable String provider,
                @RequestHeader("Idempotency-Key") String key, @RequestBody String body) {
            int receipt = ledger.record("request " + key.replace("\"", ""));
            return ResponseEntity.status(201).header("X-Receipt", "r-" + receipt)
                    .body(Map.of("provider", provider, "receipt", "r-" + receipt, "bytes", body.length()));
        }

        @PostMapping("/unavailable")
        @IdempotentRequest
        public ResponseEntity<String> unavailable(@RequestHeader("Idempotency-Key") String key) {
            ledger.record("unavailable " + key.replace("\"", ""));
            return ResponseEntity.status(503).body("try later");
        }

        @PostMapping("/optional")
        @IdempotentRequest(required = false)
        public String optional() {
            return "ran";
        }

        @PostMapping("/events/{provider}")
        public String event(@PathVariable String provider, @RequestHeader Map<String, String> headers,
                @RequestBody String body) {
            return events.process(provider, headers, body);
        }
    }
}
