package dev.idem.it.app;

import dev.idem.annotation.IdempotencyDeferredException;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Serves {@link Payouts} on stdin ({@link CommandLoop}):
 * {@code deliver <prefix> <events> <copies> <threads> <results-file>} settles events {@code <prefix>-0 ..}, each
 * delivered {@code copies} times concurrently, writes one line per delivery to the results file
 * ({@code <event> ok <receipt>}, {@code <event> deferred} or {@code <event> error <Type>: <message>}) and answers
 * {@code ok=<n> deferred=<n> errors=<n>}; {@code reconcile <batch>} calls {@link Reconciliation#reconcile}.
 *
 * <p>Arguments: downstream-url node.
 */
public final class PayoutApp {

    private PayoutApp() {
    }

    /** Runs until stdin ends. */
    public static void main(String[] args) throws Exception {
        CommandLoop.started();
        Payouts payouts = new Payouts(args[0], args[1]);
        Reconciliation reconciliation = new Reconciliation(args[1]);
        CommandLoop.serve(Map.of(
                "deliver", words -> deliver(payouts, words[0], Integer.parseInt(words[1]), Integer.parseInt(words[2]),
                        Integer.parseInt(words[3]), Path.of(words[4])),
                "reconcile", words -> reconciliation.reconcile(words[0])), false);
    }

    private static String deliver(Payouts payouts, String prefix, int events, int copies, int threads, Path results)
            throws Exception {
        List<Callable<String>> deliveries = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            String eventId = prefix + "-" + i;
            long cents = 100L + i;
            for (int copy = 0; copy < copies; copy++) {
                deliveries.add(() -> settle(payouts, eventId, cents));
            }
        }
        int ok = 0;
        int deferred = 0;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (BufferedWriter out = Files.newBufferedWriter(results, StandardCharsets.UTF_8)) {
            for (Future<String> delivery : pool.invokeAll(deliveries)) {
                String line = delivery.get();
                ok += line.contains(" ok ") ? 1 : 0;
                deferred += line.endsWith(" deferred") ? 1 : 0;
                out.write(line);
                out.newLine();
            }
        } finally {
            pool.shutdown();
        }
        return "ok=" + ok + " deferred=" + deferred + " errors=" + (deliveries.size() - ok - deferred);
    }

    private static String settle(Payouts payouts, String eventId, long cents) {
        try {
            return eventId + " ok " + payouts.settle(eventId, cents);
        } catch (IdempotencyDeferredException e) {
            return eventId + " deferred";
        } catch (Exception e) {
            return eventId + " error " + CommandLoop.describe(e);
        }
    }
}
