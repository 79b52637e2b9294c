package dev.idem.bench;

import dev.idem.Idem;
import dev.idem.IdempotentMethod;
import dev.idem.RetryExecutor;
import dev.idem.RetryPolicy;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import dev.idem.store.InMemoryStore;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Clock;
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
 * The cost Idem adds to one call, side by side in one run: a plain call; the same call through the
 * {@code @Retryable} logic (success path) and through Resilience4j Retry; and through the whole
 * {@code @Idempotent} path on the in-memory store, as a first call and as a duplicate.
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar CoreBenchmark}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class CoreBenchmark {

    /** The event a webhook handler receives. */
    public record PaymentEvent(String id, long amount, String currency) {
    }

    /** What it returns. */
    public record Receipt(String eventId, long amount) {
    }

    /** The application: a handler annotated as users annotate theirs. */
    public static class Handler {
        @Idempotent(key = "#event.id")
        @Retryable
        public Receipt handle(PaymentEvent event) {
            return new Receipt(event.id(), event.amount() * 100 / 100);
        }

        /** The same handler with a 1 ms ttl, so that cycling through keys always finds them expired. */
        @Idempotent(key = "#event.id", ttl = "1ms")
        @Retryable
        public Receipt handleFresh(PaymentEvent event) {
            return handle(event);
        }
    }

    /** Enough keys that each is reused only after its 1 ms ttl, few enough to stay in the young generation. */
    private static final int KEYS = 1 << 12;

    private final Handler handler = new Handler();
    private PaymentEvent[] fresh;
    private PaymentEvent duplicate;
    private int next;
    private Idem idem;
    private IdempotentMethod idempotent;
    private IdempotentMethod idempotentFresh;
    private RetryExecutor retry;
    private Retry resilience4j;

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
        fresh = new PaymentEvent[KEYS];
        for (int i = 0; i < KEYS; i++) {
            fresh[i] = new PaymentEvent("evt_" + i, i, "EUR");
        }
        duplicate = new PaymentEvent("evt_duplicate", 4200, "EUR");
        idem = Idem.builder().store(new InMemoryStore(Clock.systemUTC(), 4)).purgeInterval(Duration.ZERO).build();
        idempotent = idem.method(Handler.class.getMethod("handle", PaymentEvent.class));
        idempotentFresh = idem.method(Handler.class.getMethod("handleFresh", PaymentEvent.class));
        retry = idem.retryExecutor(RetryPolicy.builder().build());
        resilience4j = Retry.of("bench", RetryConfig.custom().maxAttempts(3).waitDuration(Duration.ofMillis(100)).build());
        idempotent.invoke(handler, new Object[] {duplicate}, () -> handler.handle(duplicate));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        idem.close();
    }

    @Benchmark
    public Receipt plainCall() {
        return handler.handle(duplicate);
    }

    @Benchmark
    public Receipt retrySuccessPath() {
        return retry.execute(() -> handler.handle(duplicate));
    }

    @Benchmark
    public Receipt resilience4jRetrySuccessPath() {
        return resilience4j.executeSupplier(() -> handler.handle(duplicate));
    }

    /** A key whose 1 ms ttl has passed: the claim, run, encode and complete path of a first call. */
    @Benchmark
    public Object idempotentFirstCall() throws Throwable {
        PaymentEvent event = fresh[next];
        next = (next + 1) & (KEYS - 1);
        return idempotentFresh.invoke(handler, new Object[] {event}, () -> handler.handle(event));
    }

    /** A key whose result is stored: the claim and decode path; the body does not run. */
    @Benchmark
    public Object idempotentDuplicate() throws Throwable {
        return idempotent.invoke(handler, new Object[] {duplicate}, () -> handler.handle(duplicate));
    }
}
