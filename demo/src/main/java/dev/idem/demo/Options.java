package dev.idem.demo;

/**
 * The demo's command line. Immutable.
 *
 * @param events the unique webhook events to send
 * @param deliveries the deliveries of each event
 * @param threads the provider's sender threads
 * @param seed seeds the amounts and the ledger's failures
 */
record Options(int events, int deliveries, int threads, long seed) {

    static final String USAGE = """
            usage: java -javaagent:agent/target/idem-agent.jar -jar demo/target/idem-demo.jar [options]
              --events N       unique webhook events to send (default 300)
              --deliveries K   deliveries of each event (default 5): the original, an immediate duplicate,
                               K-3 concurrent redeliveries and a late redelivery
              --threads T      the provider's sender threads (default 8)
              --seed S         seeds the amounts and the ledger's failures (default 42)
            The store is the agent's: -Didem.store=... before -jar (scripts/demo.sh --store ... does it).""";

    /**
     * Reads the options.
     *
     * @throws IllegalArgumentException naming the option that is wrong
     */
    static Options parse(String[] args) {
        int events = 300;
        int deliveries = 5;
        int threads = 8;
        long seed = 42;
        for (int i = 0; i < args.length; i += 2) {
            String option = args[i];
            if (option.equals("--store")) {
                throw new IllegalArgumentException("the agent reads its store when the JVM starts: pass "
                        + "-Didem.store=... to java before -jar, or use scripts/demo.sh --store ...");
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            String value = args[i + 1];
            switch (option) {
                case "--events" -> events = positive(option, value, 1_000_000);
                case "--deliveries" -> deliveries = positive(option, value, 100);
                case "--threads" -> threads = positive(option, value, 1_000);
                case "--seed" -> seed = number(option, value);
                default -> throw new IllegalArgumentException("unknown option " + option);
            }
        }
        return new Options(events, deliveries, threads, seed);
    }

    private static int positive(String option, String value, int max) {
        long number = number(option, value);
        if (number < 1 || number > max) {
            throw new IllegalArgumentException(option + " must be from 1 to " + max + ", not " + value);
        }
        return (int) number;
    }

    private static long number(String option, String value) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a whole number, not '" + value + "'");
        }
    }
}
