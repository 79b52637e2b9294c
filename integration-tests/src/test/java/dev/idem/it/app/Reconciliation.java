package dev.idem.it.app;

import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;

/**
 * A reconciliation that only the producer JVM ever makes: its calls fail and are deferred, and a worker JVM,
 * which has never seen an instance and cannot make one (no no-argument constructor), has no target to run
 * them on. Such a job is poison: it must go {@code DEAD} with its reason while the other jobs complete.
 * Thread-safe.
 */
public final class Reconciliation {

    private final String node;

    Reconciliation(String node) {
        this.node = node;
    }

    /** Always fails, so it is deferred. */
    @Idempotent(key = "#batchId")
    @Retryable(maxAttempts = 1, defer = true, deferDelay = "1s", deferMaxDelay = "2s")
    public String reconcile(String batchId) {
        throw new IllegalStateException("the reconciliation service is down (" + node + ", " + batchId + ")");
    }
}
