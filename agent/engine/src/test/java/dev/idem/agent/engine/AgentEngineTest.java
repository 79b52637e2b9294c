package dev.idem.agent.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The dispatcher as woven code drives it, with the in-memory store. */
class AgentEngineTest {

    static final class Handler {
        final AtomicInteger runs = new AtomicInteger();
        int failures;

        @Idempotent(key = "#id")
        @Retryable(maxAttempts = 3, delay = "1ms")
        public String handle(String id) {
            if (failures-- > 0) {
                throw new IllegalStateException("flaky");
            }
            return id + "#" + runs.incrementAndGet();
        }

        @Idempotent(key = "#missing")
        public String broken(String id) {
            return id;
        }

        public int legacy(int cents) {
            return cents + runs.incrementAndGet();
        }
    }

    private final AgentEngine engine = AgentEngine.configure(
            Map.of("idem.store", "memory", "idem.pointcut.legacy.method", Handler.class.getName() + "#legacy",
                    "idem.pointcut.legacy.key", "#p0"), Map.of(), Map.of(), Map.of());
    private final Handler handler = new Handler();

    @AfterEach
    void close() {
        engine.close();
    }

    /** Drives one call as the advice does: begin, skip or run-and-repeat, result. */
    private Object call(String method, Object... args) throws Throwable {
        Method target = null;
        for (Method candidate : Handler.class.getDeclaredMethods()) {
            if (candidate.getName().equals(method)) {
                target = candidate;
            }
        }
        Object call = engine.begin(Handler.class, Descriptors.of(target), handler, args);
        if (engine.proceed(call)) {
            boolean again;
            do {
                Object returned = null;
                Throwable thrown = null;
                try {
                    returned = target.invoke(handler, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    thrown = e.getCause();
                }
                again = engine.afterAttempt(call, returned, thrown);
            } while (again);
        } else {
            assertThat(engine.afterAttempt(call, null, null)).isFalse();
        }
        return engine.result(call);
    }

    @Test
    void annotatedMethodsAreDeduplicatedAndRetried() throws Throwable {
        engine.start();
        handler.failures = 2;

        assertThat(call("handle", "a")).isEqualTo("a#1");
        assertThat(call("handle", "a")).isEqualTo("a#1");
        assertThat(handler.runs).hasValue(1);
    }

    @Test
    void aPointcutMakesAnUnannotatedMethodIdempotent() throws Throwable {
        engine.start();

        assertThat(call("legacy", 100)).isEqualTo(101);
        assertThat(call("legacy", 100)).isEqualTo(101);
        assertThat(call("legacy", 200)).isEqualTo(202);
    }

    @Test
    void aBadAnnotationFailsEveryCallWithTheConfigurationError() {
        engine.start();

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> call("broken", "x"))
                    .isInstanceOf(IdempotencyConfigurationException.class)
                    .hasMessageContaining("#missing")
                    .hasMessageContaining("broken");
        }
    }

    @Test
    void theWarmUpRunsTheBodyOnceAndReplaysTheDuplicate() throws Throwable {
        Settings settings = Settings.resolve(Map.of("idem.store", "memory"), Map.of(), Map.of(), Map.of());

        assertThat(WarmUp.run(settings)).isEqualTo(1);
    }

    @Test
    void theDescriptionNamesTheStoreAndThePointcuts() {
        assertThat(engine.describe()).contains("store=memory").contains("legacy");
        assertThat(engine.pointcutMethods()).containsExactly(Handler.class.getName() + "#legacy");
        assertThat(engine.instrumentedPackages()).isEmpty();
    }
}
