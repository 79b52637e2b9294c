package dev.idem.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.agent.bootstrap.Dispatcher;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class JsonWarmUpTest {

    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(JsonWarmUp.QUIET_MILLIS);

    @Test
    void buildsTheMappersOnceWhenAMethodNeedsThemAndTheEngineIsReady() throws InterruptedException {
        JsonWarmUp warmUp = new JsonWarmUp();
        Preparing engine = new Preparing();

        warmUp.engineReady(engine);
        assertThat(engine.prepared.await(3 * JsonWarmUp.QUIET_MILLIS, TimeUnit.MILLISECONDS))
                .as("built before a woven method needs JSON").isFalse();

        warmUp.needed();
        assertThat(engine.prepared.await(10, TimeUnit.SECONDS)).isTrue();
        warmUp.needed();
        warmUp.engineReady(engine);
        assertThat(engine.calls.get()).isEqualTo(1);
    }

    @Test
    void waitsForTheEngineWhenAMethodNeedsThemFirst() throws InterruptedException {
        JsonWarmUp warmUp = new JsonWarmUp();
        Preparing engine = new Preparing();

        warmUp.needed();
        assertThat(engine.prepared.await(3 * JsonWarmUp.QUIET_MILLIS, TimeUnit.MILLISECONDS)).isFalse();

        warmUp.engineReady(engine);
        assertThat(engine.prepared.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.calls.get()).isEqualTo(1);
    }

    @Test
    void waitsUntilClassLoadingHasBeenQuietBeforeBuilding() throws InterruptedException {
        JsonWarmUp warmUp = new JsonWarmUp();
        AtomicLong lastLoadStarted = new AtomicLong(System.nanoTime());
        Preparing engine = new Preparing(lastLoadStarted);
        long loadingUntil = System.nanoTime() + 4 * QUIET_NANOS;
        Thread application = new Thread(() -> {
            while (System.nanoTime() < loadingUntil) {
                lastLoadStarted.set(System.nanoTime());
                warmUp.classLoading();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        });
        application.start();

        warmUp.needed();
        warmUp.engineReady(engine);

        assertThat(engine.prepared.await(10, TimeUnit.SECONDS)).isTrue();
        application.join();
        assertThat(engine.quietWhenPrepared.get())
                .as("nanoseconds from the last class load to the build").isGreaterThanOrEqualTo(QUIET_NANOS);
    }

    /** An engine that records when it is asked to build its mappers. */
    private static final class Preparing implements Dispatcher {
        final CountDownLatch prepared = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicLong quietWhenPrepared = new AtomicLong();
        private final AtomicLong lastLoadStarted;

        Preparing() {
            this(new AtomicLong(System.nanoTime()));
        }

        /** {@code lastLoadStarted}: when the test last told the warm-up that a class was loading. */
        Preparing(AtomicLong lastLoadStarted) {
            this.lastLoadStarted = lastLoadStarted;
        }

        @Override
        public void prepareJson() {
            quietWhenPrepared.set(System.nanoTime() - lastLoadStarted.get());
            calls.incrementAndGet();
            prepared.countDown();
        }

        @Override
        public Object begin(Class<?> type, String method, Object target, Object[] args) {
            throw new AssertionError("not called");
        }

        @Override
        public boolean proceed(Object call) {
            throw new AssertionError("not called");
        }

        @Override
        public boolean afterAttempt(Object call, Object returned, Throwable thrown) {
            throw new AssertionError("not called");
        }

        @Override
        public Object result(Object call) {
            throw new AssertionError("not called");
        }
    }
}
