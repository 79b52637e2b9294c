package dev.idem.demo;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The Idem demo, a legacy-style program: a payment provider sends a burst of webhook events, each one
 * several times, to a {@link PaymentWebhookHandler} that posts it to a flaky {@link Ledger}. Under the
 * Idem agent every event is posted exactly once; the report says whether it was.
 *
 * <pre>java -javaagent:agent/target/idem-agent.jar -jar demo/target/idem-demo.jar [--events N] ...</pre>
 *
 * Exit code 0 when every event settled exactly once, 1 when not, 2 for a bad option or when the agent is
 * not attached.
 */
public final class Main {

    private static final String AGENT_BRIDGE = "dev.idem.agent.bootstrap.IdemBridge";
    private static final double LEDGER_FAILURE_RATE = 0.2;

    private Main() {
    }

    /** Runs the demo; see {@link Options#USAGE}. */
    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help")) {
            System.out.println(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("idem-demo: " + e.getMessage() + "\n" + Options.USAGE);
            System.exit(2);
            return;
        }
        if (!agentAttached()) {
            System.err.println("idem-demo: the Idem agent is not attached, so nothing would be deduplicated or retried.\n"
                    + "Run it with -javaagent:agent/target/idem-agent.jar, or with scripts/demo.sh");
            System.exit(2);
        }

        // UTF-8 whatever the locale, so that a C locale does not turn the report's dashes into '?'
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        Ledger ledger = new Ledger(new Random(options.seed()), LEDGER_FAILURE_RATE);
        PaymentWebhookHandler handler = new PaymentWebhookHandler(ledger);
        PaymentProvider provider = new PaymentProvider(body -> handler.handle(WebhookEvent.parse(body)), options.threads());
        List<PaymentProvider.Event> events = PaymentProvider.createEvents(options.events(), options.seed());

        out.printf(Locale.ROOT, "Idem demo: a payment provider sends %,d webhook events, %d deliveries each, on %d threads "
                + "(seed %d)%n", options.events(), options.deliveries(), options.threads(), options.seed());
        out.println("  each event:  " + PaymentProvider.describe(options.deliveries()));
        out.printf(Locale.ROOT, "  the ledger:  fails %.0f%% of calls, at random%n", LEDGER_FAILURE_RATE * 100);
        out.println("  Idem store:  " + store());
        out.println();

        long start = System.nanoTime();
        PaymentProvider.Summary sent = provider.send(events, options.deliveries());
        Report report = new Report(events, sent, handler.bodiesExecuted(), handler.ledgerRetries(), ledger.entries(),
                Duration.ofNanos(System.nanoTime() - start));
        report.print(out);
        System.exit(report.problems().isEmpty() ? 0 : 1);
    }

    /** Whether the agent put its bridge on the bootstrap class path, which only {@code -javaagent} does. */
    private static boolean agentAttached() {
        try {
            Class.forName(AGENT_BRIDGE, false, null);
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** The store the agent uses, as far as this program can tell, without credentials. */
    private static String store() {
        String property = System.getProperty("idem.store");
        String variable = System.getenv("IDEM_STORE");
        String store = property != null ? property + " (-Didem.store)"
                : variable != null ? variable + " (IDEM_STORE)"
                : "embedded H2 in " + Path.of("idem-data").toAbsolutePath() + " (the agent's default)";
        return store.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("://[^/@]*@", "://***@");
    }
}
