package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyKeyException;
import dev.idem.annotation.IdempotencyKeyMismatchException;
import dev.idem.annotation.Jitter;
import dev.idem.annotation.OnFailure;
import dev.idem.annotation.TypeRef;
import dev.idem.store.InMemoryStore;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The programmatic API, for code without weaving. */
class IdempotentOperationTest {

    record Transfer(String from, String to, long cents) {
    }

    record Confirmation(String id, long cents) {
    }

    private final Idem idem = Idem.builder().store(new InMemoryStore()).build();
    private final AtomicInteger runs = new AtomicInteger();

    @AfterEach
    void close() {
        idem.close();
    }

    @Test
    void runsOncePerKeyAndReplaysToEveryLaterCall() {
        IdempotentOperation<Confirmation> transfers = idem.operation(IdempotencyPolicy.named("transfers").build(), null,
                Confirmation.class);
        Transfer transfer = new Transfer("acc-1", "acc-2", 1500);

        Confirmation first = transfers.execute("tr-1", transfer, () -> new Confirmation("c" + runs.incrementAndGet(), 1500));
        Confirmation again = transfers.execute("tr-1", transfer, () -> new Confirmation("c" + runs.incrementAndGet(), 1500));

        assertThat(again).isEqualTo(first).isEqualTo(new Confirmation("c1", 1500));
        assertThatThrownBy(() -> transfers.execute("tr-1", new Transfer("acc-1", "acc-9", 1500), () -> null))
                .isInstanceOf(IdempotencyKeyMismatchException.class);
        assertThat(idem.audit().find("transfers", "tr-1")).isPresent();
    }

    @Test
    void checkedExceptionsPassThroughUnwrappedAndRetriesHappenInsideTheClaim() throws IOException {
        IdempotentOperation<String> uploads = idem.operation(IdempotencyPolicy.named("uploads").build(),
                RetryPolicy.builder().maxAttempts(3).delay(Duration.ZERO).jitter(Jitter.NONE).build(), String.class);

        String stored = uploads.execute("file-1", () -> {
            if (runs.incrementAndGet() < 3) {
                throw new IOException("connection reset");
            }
            return "stored";
        });

        assertThat(stored).isEqualTo("stored");
        assertThat(runs).hasValue(3);
        assertThatThrownBy(() -> uploads.execute("file-2", () -> {
            throw new IOException("disk full");
        })).isInstanceOf(IOException.class).hasMessage("disk full");
    }

    @Test
    void rememberedFailuresOfTrustedTypesReplayAsThemselves() {
        IdempotentOperation<String> charges = idem.operation(IdempotencyPolicy.named("charges")
                .onFailure(OnFailure.REMEMBER).rememberOn(List.of(IllegalArgumentException.class)).build(), null,
                String.class);

        assertThatThrownBy(() -> charges.execute("ch-1", () -> {
            runs.incrementAndGet();
            throw new IllegalArgumentException("card expired");
        })).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> charges.execute("ch-1", () -> "never")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("card expired");
        assertThat(runs).hasValue(1);
    }

    @Test
    void genericResultsReplayAsTheirType() {
        IdempotentOperation<List<Confirmation>> batch = idem.operation(IdempotencyPolicy.named("batch").build(), null,
                new TypeRef<List<Confirmation>>() { });
        batch.execute("b-1", () -> List.of(new Confirmation("a", 1)));

        List<Confirmation> replayed = batch.execute("b-1", () -> List.of());

        assertThat(replayed).containsExactly(new Confirmation("a", 1));
    }

    @Test
    void misuseIsRefusedClearly() {
        assertThatThrownBy(() -> idem.operation(IdempotencyPolicy.builder().build(), null, String.class))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("namespace");
        assertThatThrownBy(() -> idem.operation(IdempotencyPolicy.named("x").build(),
                RetryPolicy.builder().defer(DeferPolicy.defaults()).build(), String.class))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("cannot be deferred");
        assertThatThrownBy(() -> idem.operation(IdempotencyPolicy.named("x").key("#id").build(), null, String.class))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("methods only");
        IdempotentOperation<String> operation = idem.operation(IdempotencyPolicy.named("x").build(), null, String.class);
        assertThatThrownBy(() -> operation.execute(" ", () -> "x")).isInstanceOf(IdempotencyKeyException.class);
    }
}
