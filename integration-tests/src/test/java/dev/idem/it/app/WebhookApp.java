package dev.idem.it.app;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A burst of webhook deliveries: events {@code <prefix>-0 .. <prefix>-(n-1)}, each delivered {@code copies} times
 * by a pool of threads, the copies of one event next to each other in the queue so that they run concurrently.
 * Prints {@code ready}, waits for {@code go} on stdin (so that two JVMs start together), then writes one line
 * per delivery to the results file, {@code <event> ok <result>} or {@code <event> error <Type>: <message>}, and
 * prints {@code done deliveries=<n> errors=<n> millis=<n>}.
 *
 * <p>Arguments: postgres-url effects-table node event-prefix events copies threads results-file.
 */
public final class WebhookApp {

    private WebhookApp() {
    }

    /** Runs one burst, then exits. */
    public static void main(String[] args) throws Exception {
        CommandLoop.started();
        String prefix = args[3];
        int events = Integer.parseInt(args[4]);
        int copies = Integer.parseInt(args[5]);
        int threads = Integer.parseInt(args[6]);
        Path results = Path.of(args[7]);
        try (Effects effects = new Effects(args[0], args[1])) {
            WebhookHandler handler = new WebhookHandler(effects, args[2]);
            List<Callable<String>> deliveries = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                PaymentEvent event = new PaymentEvent(prefix + "-" + i, 100L + i);
                for (int copy = 0; copy < copies; copy++) {
                    deliveries.add(() -> deliver(handler, event));
                }
            }
            System.out.println("ready");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            if (!"go".equals(in.readLine())) {
                throw new IllegalStateException("expected 'go' on stdin");
            }
            long start = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            int errors = 0;
            try (BufferedWriter out = Files.newBufferedWriter(results, StandardCharsets.UTF_8)) {
                for (Future<String> delivery : pool.invokeAll(deliveries)) {
                    String line = delivery.get();
                    errors += line.contains(" error ") ? 1 : 0;
                    out.write(line);
                    out.newLine();
                }
            } finally {
                pool.shutdown();
            }
            System.out.println("done deliveries=" + deliveries.size() + " errors=" + errors + " millis="
                    + (System.nanoTime() - start) / 1_000_000);
        }
        System.exit(0);
    }

    private static String deliver(WebhookHandler handler, PaymentEvent event) {
        try {
            return event.id() + " ok " + handler.handle(event);
        } catch (RuntimeException e) {
            return event.id() + " error " + CommandLoop.describe(e);
        }
    }
}
