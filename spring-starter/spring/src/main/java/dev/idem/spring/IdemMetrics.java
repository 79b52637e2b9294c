package dev.idem.spring;

import dev.idem.store.IdempotencyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Micrometer metrics for Idem. Every meter is tagged with low-cardinality values only: the namespace
 * ({@code name}, one per method or endpoint), the {@code source} ({@code method} or {@code http}), the
 * {@code outcome}, or the store {@code operation}. Never the key.
 *
 * <ul>
 *   <li>{@value #CALLS} (counter; name, source, outcome): every guarded call, by how it ended;</li>
 *   <li>{@value #REPLAYS} (counter; name, source): calls answered from a stored outcome;</li>
 *   <li>{@value #IN_PROGRESS_REJECTIONS} (counter; name, source): duplicates refused while the first ran;</li>
 *   <li>{@value #MISMATCHES} (counter; name, source): keys reused with another payload;</li>
 *   <li>{@value #RETRIES} (counter; name): in-process retries;</li>
 *   <li>{@value #DEFERRALS} (counter; name): calls accepted for later as deferred jobs;</li>
 *   <li>{@value #DEAD} (counter; name): calls whose deferred attempts were exhausted;</li>
 *   <li>{@value #STORE_LATENCY} (timer; operation, outcome {@code success} or {@code error}): each store
 *       round trip, when the engine's store is wrapped by {@link #observe(IdempotencyStore)}.</li>
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class IdemMetrics implements IdemObserver {

    /** Every guarded call. */
    public static final String CALLS = "idem.calls";
    /** Calls answered from a stored outcome. */
    public static final String REPLAYS = "idem.replays";
    /** Duplicates refused while the first call ran. */
    public static final String IN_PROGRESS_REJECTIONS = "idem.in.progress.rejections";
    /** Keys reused with another payload. */
    public static final String MISMATCHES = "idem.key.mismatches";
    /** In-process retries. */
    public static final String RETRIES = "idem.retries";
    /** Calls deferred to a background worker. */
    public static final String DEFERRALS = "idem.deferrals";
    /** Calls whose deferred attempts were exhausted. */
    public static final String DEAD = "idem.dead";
    /** Store round trips. */
    public static final String STORE_LATENCY = "idem.store.latency";

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** Metrics registered in {@code registry}. */
    public IdemMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public void onCall(String name, Source source, Outcome outcome) {
        counter(CALLS, name, source, outcome).increment();
        String dedicated = switch (outcome) {
            case REPLAYED -> REPLAYS;
            case IN_PROGRESS -> IN_PROGRESS_REJECTIONS;
            case MISMATCH -> MISMATCHES;
            case DEFERRED -> DEFERRALS;
            case DEAD -> DEAD;
            default -> null;
        };
        if (dedicated != null) {
            counter(dedicated, name, source, null).increment();
        }
    }

    @Override
    public void onRetry(String name) {
        counter(RETRIES, name, Source.METHOD, null).increment();
    }

    /** {@code store}, with each operation timed as {@value #STORE_LATENCY}. */
    @Override
    public IdempotencyStore observe(IdempotencyStore store) {
        return new TimedStore(store, this);
    }

    Timer storeTimer(String operation, boolean success) {
        return Timer.builder(STORE_LATENCY)
                .description("Idem store round trips")
                .tag("operation", operation)
                .tag("outcome", success ? "success" : "error")
                .register(registry);
    }

    private Counter counter(String meter, String name, Source source, Outcome outcome) {
        String id = meter + '\n' + name + '\n' + source + '\n' + outcome;
        Counter counter = counters.get(id);
        if (counter == null) {
            Counter.Builder builder = Counter.builder(meter).tag("name", name);
            if (!meter.equals(RETRIES) && !meter.equals(DEFERRALS) && !meter.equals(DEAD)) {
                builder.tag("source", source.tag());
            }
            if (outcome != null) {
                builder.tag("outcome", outcome.tag());
            }
            counter = builder.register(registry);
            counters.put(id, counter);
        }
        return counter;
    }

    @Override
    public String toString() {
        return "IdemMetrics[" + registry.getClass().getSimpleName() + "]";
    }
}
