package dev.idem.it.app;

import java.util.Map;

/**
 * Serves {@link Fulfilment} on stdin, each command on its own thread: {@code fulfil <order>} answers
 * {@code ok <result> millis=<call duration>}, {@code release} unblocks blocked calls. A node started with
 * {@code -Dit.block=true} blocks inside its calls until released.
 *
 * <p>Arguments: postgres-url effects-table node.
 */
public final class FulfilmentApp {

    private FulfilmentApp() {
    }

    /** Runs until stdin ends. */
    public static void main(String[] args) throws Exception {
        CommandLoop.started();
        try (Effects effects = new Effects(args[0], args[1])) {
            Fulfilment fulfilment = new Fulfilment(effects, args[2], Boolean.getBoolean("it.block"));
            CommandLoop.serve(Map.of(
                    "fulfil", words -> {
                        long start = System.nanoTime();
                        String result = fulfilment.fulfil(words[0]);
                        return result + " millis=" + (System.nanoTime() - start) / 1_000_000;
                    },
                    "release", words -> {
                        fulfilment.release();
                        return "released";
                    }), true);
        }
    }
}
