package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.store.InMemoryStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The README's example, compiled and run here; the test also checks that README.md shows exactly the
 * lines between the markers below, so the README cannot drift from code that works.
 */
class ReadmeExampleTest {

    record PaymentEvent(String id, long cents) {
    }

    record Receipt(String paymentId, long cents) {
    }

    static final class Gateway {
        final AtomicInteger charges = new AtomicInteger();

        Receipt charge(PaymentEvent event) {
            return new Receipt("pay_" + charges.incrementAndGet(), event.cents());
        }
    }

    @Test
    void theExampleChargesOnce() {
        Gateway gateway = new Gateway();
        // README:begin
        try (Idem idem = Idem.builder().store(new InMemoryStore()).build()) {
            IdempotentOperation<Receipt> charge = idem.operation(
                    IdempotencyPolicy.named("charges").ttl(Duration.ofHours(24)).build(),
                    RetryPolicy.builder().maxAttempts(4).delay(Duration.ofMillis(200)).build(),
                    Receipt.class);

            PaymentEvent event = new PaymentEvent("evt_1", 4200);
            Receipt first = charge.execute(event.id(), event, () -> gateway.charge(event));
            Receipt again = charge.execute(event.id(), event, () -> gateway.charge(event));
            assert again.equals(first) : "the gateway is called once per event";
        }
        // README:end
        assertThat(gateway.charges).hasValue(1);
    }

    @Test
    void theReadmeShowsTheExampleAsItIsHere() throws IOException {
        List<String> source = Files.readAllLines(Path.of("src/test/java/dev/idem/ReadmeExampleTest.java"));
        List<String> example = source.subList(source.indexOf("        // README:begin") + 1,
                source.indexOf("        // README:end"));
        String expected = example.stream().map(line -> line.length() >= 8 ? line.substring(8) : line.strip())
                .collect(Collectors.joining("\n"));

        assertThat(Files.readString(Path.of("../README.md"))).contains(expected);
    }
}
