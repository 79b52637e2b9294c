package dev.idem.bench;

import dev.idem.Idem;
import dev.idem.IdempotencyPolicy;
import dev.idem.IdempotentOperation;
import dev.idem.RetryExecutor;
import dev.idem.RetryPolicy;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import dev.idem.store.InMemoryStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-call cost of methods woven by the agent, next to the same calls through the programmatic API,
 * in the same JVM, each on an in-memory store with the default settings (as {@code idem.store=memory}
 * gives the agent). Run with the agent:
 *
 * <pre>{@code
 * java -jar bench/target/benchmarks.jar WovenBenchmark \
 *     -jvmArgsAppend -javaagent:agent/target/idem-agent.jar=idem.store=memory
 * }</pre>
 *
 * The setup refuses to run without the agent, so an unwoven run cannot pass for a woven one.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class WovenBenchmark {

    /** The event. */
    public record PaymentEvent(String id, long amount) {
    }

    /** The result. */
    public record Receipt(String eventId, long amount) {
    }

    /** Methods the agent weaves. */
    public static class Woven {
        private int idempotentRuns;

        /** Plain work, for the baseline. */
        public Receipt plain(PaymentEvent event) {
            return new Receipt(event.id(), event.amount());
        }

        /** Retryable; succeeds. */
        @Retryable
        public Receipt retryable(PaymentEvent event) {
            return new Receipt(event.id(), event.amount());
        }

        /** Idempotent with a long ttl: duplicates. */
        @Idempotent(key = "#event.id")
        public Receipt idempotent(PaymentEvent event) {
            idempotentRuns++;
            return new Receipt(event.id(), event.amount());
        }

        /** Idempotent with a 1 ms ttl: each cycled key is a first call again. */
        @Idempotent(key = "#event.id", ttl = "1ms")
        public Receipt idempotentFresh(PaymentEvent event) {
            return new Receipt(event.id(), event.amount());
        }
    }

    private static final int KEYS = 1 << 12;

    private final Woven woven = new Woven();
    private PaymentEvent[] fresh;
    private PaymentEvent duplicate;
    private int next;
    private Idem idem;
    private RetryExecutor retry;
    private IdempotentOperation<Receipt> operation;
    private IdempotentOperation<Receipt> freshOperation;

    @Setup(Level.Trial)
    public void setUp() {
        fresh = new PaymentEvent[KEYS];
        for (int i = 0; i < KEYS; i++) {
            fresh[i] = new PaymentEvent("evt_" + i, i);
        }
        duplicate = new PaymentEvent("evt_duplicate", 4200);
        woven.idempotent(duplicate);
        woven.idempotent(duplicate);
        if (woven.idempotentRuns != 1) {
            throw new IllegalStateException("the methods are not woven: run with "
                    + "-jvmArgsAppend -javaagent:agent/target/idem-agent.jar=idem.store=memory");
        }
        idem = Idem.builder().store(new InMemoryStore()).build();
        retry = idem.retryExecutor(RetryPolicy.builder().build());
        operation = idem.operation(IdempotencyPolicy.named("bench").build(), null, Receipt.class);
        freshOperation = idem.operation(IdempotencyPolicy.named("bench-fresh").ttl(Duration.ofMillis(1)).build(), null,
                Receipt.class);
        operation.execute(duplicate.id(), duplicate, () -> woven.plain(duplicate));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        idem.close();
    }

    @Benchmark
    public Receipt plainCall() {
        return woven.plain(duplicate);
    }

    @Benchmark
    public Receipt wovenRetryable() {
        return woven.retryable(duplicate);
    }

    @Benchmark
    public Receipt programmaticRetry() {
        return retry.execute(() -> woven.plain(duplicate));
    }

    @Benchmark
    public Receipt wovenIdempotentDuplicate() {
        return woven.idempotent(duplicate);
    }

    @Benchmark
    public Receipt programmaticIdempotentDuplicate() {
        return operation.execute(duplicate.id(), duplicate, () -> woven.plain(duplicate));
    }

    @Benchmark
    public Receipt wovenIdempotentFirstCall() {
        PaymentEvent event = fresh[next];
        next = (next + 1) & (KEYS - 1);
        return woven.idempotentFresh(event);
    }

    @Benchmark
    public Receipt programmaticIdempotentFirstCall() {
        PaymentEvent event = fresh[next];
        next = (next + 1) & (KEYS - 1);
        return freshOperation.execute(event.id(), event, () -> woven.plain(event));
    }
}
