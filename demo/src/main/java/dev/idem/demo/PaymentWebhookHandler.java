package dev.idem.demo;

import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import java.util.concurrent.atomic.LongAdder;

/**
 * The application's webhook handler, written as a legacy service would write it: it posts each payment
 * event to the ledger, and nothing in it deals with duplicates or failures. The two annotations do, once
 * the Idem agent weaves them:
 *
 * <ul>
 *   <li>{@link Idempotent}: the body runs once per event id; every redelivery, even one arriving while the
 *       first is still running, gets the first call's ledger entry back;</li>
 *   <li>{@link Retryable}: a ledger call that fails with {@link LedgerUnavailableException} is retried
 *       with exponential backoff and jitter, inside the claim of the event.</li>
 * </ul>
 *
 * <p>The two counters are the demo's, for its report. Thread-safe: deliveries arrive on many threads at
 * once.
 */
public final class PaymentWebhookHandler {

    private final Ledger ledger;
    private final LongAdder bodiesExecuted = new LongAdder();
    private final LongAdder ledgerAttempts = new LongAdder();

    /** A handler that posts to {@code ledger}. */
    public PaymentWebhookHandler(Ledger ledger) {
        this.ledger = ledger;
    }

    /** Settles one delivery of a payment event; returns the event's ledger entry. */
    @Idempotent(key = "#event.id")
    public LedgerEntry handle(WebhookEvent event) {
        bodiesExecuted.increment();
        return postToLedger(event);
    }

    // Delays this short keep the demo to a second; a real ledger deserves 100ms or more.
    @Retryable(includes = LedgerUnavailableException.class, maxAttempts = 8, delay = "5ms", maxDelay = "100ms")
    LedgerEntry postToLedger(WebhookEvent event) {
        ledgerAttempts.increment();
        return ledger.post(event.id(), event.amount());
    }

    /** How many times the body of {@link #handle} ran. */
    public long bodiesExecuted() {
        return bodiesExecuted.sum();
    }

    /** How many times a ledger call failed and was run again: each body makes one call, plus its retries. */
    public long ledgerRetries() {
        return ledgerAttempts.sum() - bodiesExecuted.sum();
    }
}
