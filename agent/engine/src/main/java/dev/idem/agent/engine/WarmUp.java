package dev.idem.agent.engine;

import dev.idem.Idem;
import dev.idem.IdempotentMethod;
import dev.idem.MethodCall;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import dev.idem.store.InMemoryStore;
import java.time.Duration;

/**
 * Runs a woven call's whole path once, on the engine's start-up thread, against a throwaway in-memory
 * store: reading the annotations, parsing the key expression, the first fingerprint (which loads the
 * JDK's SHA-256 provider), the claim, the completion and a replay. Without it the application's first
 * woven call does that work on the caller's thread, tens of milliseconds at JVM startup. Nothing it does
 * reaches the configured store or the log. Not thread-safe; run once.
 */
final class WarmUp {

    private WarmUp() {
    }

    /**
     * Sends one call and one duplicate through a throwaway engine configured like {@code settings}.
     *
     * @return how many times the body ran: 1 when the duplicate was replayed, as it must be
     */
    static int run(Settings settings) throws Throwable {
        Idem idem = Idem.builder()
                .store(new InMemoryStore())
                .node(settings.node())
                .codec(settings.codec())
                .purgeInterval(Duration.ZERO)
                .renewLeases(false)
                .build();
        try {
            IdempotentMethod method = idem.method(Sample.class.getMethod("handle", String.class));
            Sample sample = new Sample();
            Object[] args = {"idem-agent-warm-up"};
            int runs = 0;
            for (int call = 0; call < 2; call++) {
                MethodCall methodCall = method.begin(sample, args);
                if (methodCall.proceed()) {
                    runs++;
                    methodCall.afterAttempt(sample.handle((String) args[0]), null);
                }
                methodCall.result();
            }
            return runs;
        } finally {
            idem.close();
        }
    }

    /** The method the warm-up calls, annotated the way applications annotate theirs. */
    static final class Sample {
        @Idempotent(key = "#id")
        @Retryable
        public int handle(String id) {
            return id.length();
        }
    }
}
