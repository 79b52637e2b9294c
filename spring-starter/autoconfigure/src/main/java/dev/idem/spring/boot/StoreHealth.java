package dev.idem.spring.boot;

import dev.idem.Idem;
import dev.idem.store.Keys;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The health check of Idem's store, shared by the health indicators of both Boot lines: one point read of a
 * probe key, timed. Thread-safe.
 */
public final class StoreHealth {

    private static final String PROBE = Keys.of("idem-health", "probe").full();

    private StoreHealth() {
    }

    /**
     * Reads the probe key.
     *
     * @return the details to report: the store and the round trip in milliseconds
     * @throws RuntimeException when the store cannot be reached; the store is then down
     */
    public static Map<String, Object> check(Idem idem) {
        long start = System.nanoTime();
        idem.store().find(PROBE);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("store", idem.store().toString());
        details.put("node", idem.node());
        details.put("latencyMillis", (System.nanoTime() - start) / 1_000_000);
        return details;
    }
}
