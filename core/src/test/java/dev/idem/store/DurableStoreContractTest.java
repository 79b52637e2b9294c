package dev.idem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.IdempotencyStoreException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The part of the store contract that only a store outside the JVM can be put through: a record damaged
 * by hand (an operator's typo, another program, an incompatible version) gives a clear error naming its
 * key, and nothing else is damaged.
 */
public abstract class DurableStoreContractTest extends StoreContractTest {

    /** Damages the stored record of {@code key} by hand, so that it can no longer be read as a record. */
    protected abstract void corrupt(String key);

    @Test
    void aRecordCorruptedByHandGivesAClearErrorAndOtherKeysAreUndamaged() {
        String damaged = key("damaged");
        String healthy = key("healthy");
        for (String key : new String[] {damaged, healthy}) {
            ClaimResult.Claimed claimed = (ClaimResult.Claimed) store().claim(new ClaimRequest(key, null, LEASE, "n", null));
            assertThat(store().complete(new Completion(key, claimed.token(), "\"ok\"".getBytes(StandardCharsets.UTF_8),
                    TTL, Duration.ZERO, "n"))).isTrue();
        }

        corrupt(damaged);

        assertThatThrownBy(() -> store().claim(new ClaimRequest(damaged, null, LEASE, "n", null)))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining(damaged);
        assertThatThrownBy(() -> store().find(damaged))
                .isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining(damaged);
        ClaimResult replay = otherClient().claim(new ClaimRequest(healthy, null, LEASE, "n", null));
        assertThat(replay).isInstanceOf(ClaimResult.Completed.class);
        assertThat(new String(((ClaimResult.Completed) replay).result(), StandardCharsets.UTF_8)).isEqualTo("\"ok\"");
        assertThat(store().history(healthy)).extracting(AuditEntry::event)
                .containsExactly(AuditEvent.CLAIMED, AuditEvent.COMPLETED);
    }
}
