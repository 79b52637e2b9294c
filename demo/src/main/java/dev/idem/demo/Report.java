package dev.idem.demo;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a burst did, checked against what it should have done: every event posted to the ledger exactly
 * once, for its amount, and every delivery of an event answered with the same ledger entry. Immutable.
 *
 * @param events the events the provider sent
 * @param sent what the provider saw
 * @param bodiesExecuted how many times the handler's body ran
 * @param ledgerRetries how many failed ledger calls were run again
 * @param entries the ledger's entries
 * @param elapsed how long the burst took
 */
record Report(List<PaymentProvider.Event> events, PaymentProvider.Summary sent, long bodiesExecuted,
        long ledgerRetries, List<LedgerEntry> entries, Duration elapsed) {

    /** What went wrong, in words; empty when every event settled exactly once. */
    List<String> problems() {
        Map<String, Long> postings = entries.stream().collect(Collectors.groupingBy(LedgerEntry::eventId, Collectors.counting()));
        Set<String> sentIds = events.stream().map(PaymentProvider.Event::id).collect(Collectors.toSet());
        List<String> problems = new ArrayList<>();
        count(problems, postings.values().stream().filter(times -> times > 1).count(), "posted more than once");
        count(problems, sentIds.stream().filter(id -> !postings.containsKey(id)).count(), "never posted");
        count(problems, events.size() - sent.acknowledgedEvents(), "never acknowledged");
        count(problems, sent.eventsWithDifferentReceipts(), "answered with different ledger entries");
        if (ledgerTotal() != expectedTotal()) {
            problems.add("ledger total " + money(ledgerTotal()) + " differs from expected " + money(expectedTotal()));
        }
        return problems;
    }

    /** Prints the report, ending with the {@code RESULT:} line. */
    void print(PrintStream out) {
        row(out, "deliveries sent", sent.deliveries(), "");
        row(out, "unique events", events.size(), "");
        row(out, "bodies executed", bodiesExecuted, "the handler's body ran");
        row(out, "duplicates replayed", duplicatesReplayed(), "answered with the stored ledger entry");
        row(out, "ledger retries", ledgerRetries, "LedgerUnavailableException, retried by @Retryable");
        row(out, "failed deliveries", sent.failedDeliveries(), "delivered again by the provider");
        row(out, "ledger entries", entries.size(), "");
        out.printf(Locale.ROOT, "  %-20s %,12.2f USD   expected %,.2f USD%n", "ledger total", dollars(ledgerTotal()),
                dollars(expectedTotal()));
        out.println();
        List<String> problems = problems();
        String took = String.format(Locale.ROOT, " (%.1f s)", elapsed.toMillis() / 1000.0);
        if (problems.isEmpty()) {
            out.println("RESULT: OK — every event settled exactly once" + took);
            return;
        }
        if (sent.lastFailure() != null) {
            out.println("last failed delivery: " + sent.lastFailure());
        }
        if (bodiesExecuted >= sent.deliveries() && sent.deliveries() > events.size()) {
            out.println("the handler's body ran for every delivery: Idem did not guard it; see the agent's log above");
        }
        out.println("RESULT: MISMATCH — " + String.join("; ", problems) + took);
    }

    /**
     * Deliveries answered without posting: each answered delivery either posted its entry or got one back.
     * When no delivery fails this is deliveries minus bodies executed.
     */
    private long duplicatesReplayed() {
        return sent.deliveries() - sent.failedDeliveries() - entries.size();
    }

    private long ledgerTotal() {
        return entries.stream().mapToLong(LedgerEntry::amount).sum();
    }

    private long expectedTotal() {
        return events.stream().mapToLong(PaymentProvider.Event::amount).sum();
    }

    private static void count(List<String> problems, long events, String what) {
        if (events > 0) {
            problems.add(events + (events == 1 ? " event " : " events ") + what);
        }
    }

    private static void row(PrintStream out, String label, long value, String note) {
        out.println(String.format(Locale.ROOT, "  %-20s %,12d   %s", label, value, note).stripTrailing());
    }

    private static String money(long cents) {
        return String.format(Locale.ROOT, "%,.2f USD", dollars(cents));
    }

    private static BigDecimal dollars(long cents) {
        return BigDecimal.valueOf(cents, 2);
    }
}
