package dev.idem.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.agent.bootstrap.Dispatcher;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class AfterStartupTest {

    private static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(AfterStartup.QUIET_MILLIS);

    @Test
    void releasesTheLogsOnceAndBuildsTheMappersOnceWhenAMethodNeedsThemAndTheEngineIsReady() throws InterruptedException {
        AfterStartup afterStartup = new AfterStartup();
        Preparing engine = new Preparing();

        afterStartup.engineReady(engine);
        assertThat(engine.released.await(10, TimeUnit.SECONDS)).as("the logs are released all the same").isTrue();
        assertThat(engine.prepared.await(3 * AfterStartup.QUIET_MILLIS, TimeUnit.MILLISECONDS))
                .as("built before a woven method needs JSON").isFalse();

        afterStartup.jsonNeeded();
        assertThat(engine.prepared.await(10, TimeUnit.SECONDS)).isTrue();
        afterStartup.jsonNeeded();
        afterStartup.engineReady(engine);
        assertThat(engine.calls.get()).isEqualTo(1);
        assertThat(engine.releases.get()).isEqualTo(1);
    }

    @Test
    void waitsForTheEngineWhenAMethodNeedsThemFirst() throws InterruptedException {
        AfterStartup afterStartup = new AfterStartup();
        Preparing engine = new Preparing();

        afterStartup.jsonNeeded();
        assertThat(engine.prepared.await(3 * AfterStartup.QUIET_MILLIS, TimeUnit.MILLISECONDS)).isFalse();

        afterStartup.engineReady(engine);
        assertThat(engine.prepared.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(engine.calls.get()).isEqualTo(1);
    }

    @Test
    void waitsUntilClassLoadingHasBeenQuietBeforeReleasingTheLogsAndBuilding() throws InterruptedException {
        AfterStartup afterStartup = new AfterStartup();
        AtomicLong lastLoadStarted = new AtomicLong(System.nanoTime());
        Preparing engine = new Preparing(lastLoadStarted);
        Thread application = loadClassesFor(4 * QUIET_NANOS, afterStartup, lastLoadStarted);

        afterStartup.jsonNeeded();
        afterStartup.engineReady(engine);

        assertThat(engine.prepared.await(10, TimeUnit.SECONDS)).isTrue();
        application.join();
        assertThat(engine.quietWhenReleased.get())
                .as("nanoseconds from the last class load to the release").isGreaterThanOrEqualTo(QUIET_NANOS);
        assertThat(engine.quietWhenPrepared.get())
                .as("nanoseconds from the last class load to the build").isGreaterThanOrEqualTo(QUIET_NANOS);
        assertThat(engine.releases.get()).isEqualTo(1);
    }

    /**
     * Starts a thread that plays an application loading a class every 20 ms for {@code nanos}, noting in
     * {@code lastLoadStarted} when it last told {@code afterStartup}.
     */
    private static Thread loadClassesFor(long nanos, AfterStartup afterStartup, AtomicLong lastLoadStarted) {
        long loadingUntil = System.nanoTime() + nanos;
        Thread application = new Thread(() -> {
            while (System.nanoTime() < loadingUntil) {
                lastLoadStarted.set(System.nanoTime());
                afterStartup.classLoading();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
        });
        application.start();
        return application;
    }

    /** An engine that records when it is asked to release its logs and to build its mappers. */
    private static final class Preparing implements Dispatcher {
        final CountDownLatch prepared = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final AtomicInteger calls = new AtomicInteger();
        final AtomicInteger releases = new AtomicInteger();
        final AtomicLong quietWhenPrepared = new AtomicLong();
        final AtomicLong quietWhenReleased = new AtomicLong();
        private final AtomicLong lastLoadStarted;

        Preparing() {
            this(new AtomicLong(System.nanoTime()));
        }

        /** {@code lastLoadStarted}: when the test last told {@link AfterStartup} that a class was loading. */
        Preparing(AtomicLong lastLoadStarted) {
            this.lastLoadStarted = lastLoadStarted;
        }

        @Override
        public void releaseLogs() {
            quietWhenReleased.set(System.nanoTime() - lastLoadStarted.get());
            releases.incrementAndGet();
            released.countDown();
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
