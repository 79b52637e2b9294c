package dev.idem.demo;

/**
 * One posting in the {@link Ledger}, and the receipt the handler answers a delivery with. Idem stores it
 * as JSON and replays it to every redelivery of the event. Immutable.
 *
 * @param number the entry's number in the ledger, unique per posting
 * @param eventId the webhook event that was posted
 * @param amount the amount posted, in cents
 */
public record LedgerEntry(long number, String eventId, long amount) {
}
