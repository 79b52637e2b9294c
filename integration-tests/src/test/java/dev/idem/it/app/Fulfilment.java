package dev.idem.it.app;

import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Steps;
import java.util.concurrent.CountDownLatch;

/**
 * An order fulfilment with a short lease and one saved step: step {@code charge} records the effect row, then
 * the body prints {@code entered order=<id> charge=<step value>} and, on a node started to block, waits until
 * {@link #release()} before it finishes. A test kills or pauses such a node while it holds the key, and lets
 * another node take the key over. Thread-safe.
 */
public final class Fulfilment {

    private final Effects effects;
    private final String node;
    private final CountDownLatch gate;

    Fulfilment(Effects effects, String node, boolean block) {
        this.effects = effects;
        this.node = node;
        this.gate = new CountDownLatch(block ? 1 : 0);
    }

    /** Fulfils an order once: charges it in a saved step, then (maybe) blocks, then returns who finished it. */
    @Idempotent(key = "#orderId", lease = "2s")
    public String fulfil(String orderId) throws InterruptedException {
        String charge = Steps.run("charge", String.class, () -> {
            effects.insert(orderId, "charged", node);
            return "charged-by-" + node;
        });
        System.out.println("entered order=" + orderId + " charge=" + charge);
        gate.await();
        return "fulfilled-by-" + node + "-after-" + charge;
    }

    /** Lets blocked calls finish. */
    void release() {
        gate.countDown();
    }
}
