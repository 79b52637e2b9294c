package dev.idem.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.testing.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryStoreTest extends StoreContractTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final InMemoryStore store = new InMemoryStore(clock, 5);

    @Override
    protected IdempotencyStore store() {
        return store;
    }

    @Override
    protected IdempotencyStore otherClient() {
        return store;
    }

    @Override
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void historyIsBoundedPerKeyKeepingTheLatestEntries() {
        String key = key("bounded");
        ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "n", null));
        for (int i = 0; i < 10; i++) {
            store.saveStep(new StepWrite(key, claimed.token(), "s" + i, "1".getBytes(StandardCharsets.UTF_8), "n"));
        }

        assertThat(store.history(key)).hasSize(5);
        assertThat(store.history(key).get(4).detail()).isEqualTo("s9");
        assertThat(store.history(key).get(4).sequence()).isEqualTo(11);
    }

    @Test
    void returnedBytesAreCopiesSoCallersCannotCorruptTheStore() {
        String key = key("copies");
        ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "n", null));
        byte[] result = "\"ok\"".getBytes(StandardCharsets.UTF_8);
        store.complete(new Completion(key, claimed.token(), result, TTL, Duration.ZERO, "n"));
        result[1] = 'X';

        byte[] replayed = ((ClaimResult.Completed) store.claim(new ClaimRequest(key, null, LEASE, "n", null))).result();
        replayed[1] = 'Y';

        assertThat(((ClaimResult.Completed) store.claim(new ClaimRequest(key, null, LEASE, "n", null))).result())
                .asString(StandardCharsets.UTF_8).isEqualTo("\"ok\"");
    }

    @Test
    void sizeCountsRecordsUntilPurged() {
        String key = key("size");
        ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "n", null));
        store.complete(new Completion(key, claimed.token(), new byte[] {1}, Duration.ofSeconds(1), Duration.ZERO, "n"));
        int before = store.size();

        clock.advance(Duration.ofSeconds(2));
        store.purgeExpired(10);

        assertThat(store.size()).isEqualTo(before - 1);
    }
}
