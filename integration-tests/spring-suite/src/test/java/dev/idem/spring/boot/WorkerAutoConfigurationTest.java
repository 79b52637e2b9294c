package dev.idem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.DeferredWorker;
import dev.idem.annotation.IdempotencyDeferredException;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.RecordState;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** The worker runs deferred calls again on the application's own (proxied) beans. */
class WorkerAutoConfigurationTest {

    /** A bean whose gateway is down until the test brings it up. */
    public static class Payouts {
        final AtomicBoolean up = new AtomicBoolean();
        final AtomicInteger sent = new AtomicInteger();

        /** Brings the gateway up (a method, because the test holds the bean's proxy). */
        public void bringUp() {
            up.set(true);
        }

        /** How many payouts went out. */
        public int sent() {
            return sent.get();
        }

        @Idempotent(key = "#id", name = "spring-payouts")
        @Retryable(maxAttempts = 1, defer = true, deferDelay = "1ms", deferMaxDelay = "2ms")
        public String send(String id) {
            if (!up.get()) {
                throw new IllegalStateException("gateway down");
            }
            sent.incrementAndGet();
            return "sent " + id;
        }
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(BootLine.idem())
            .withPropertyValues("idem.store=memory", "idem.worker.poll-interval=10ms")
            .withBean(Payouts.class);

    @Test
    void aDeferredCallRunsAgainOnTheProxiedBeanAndCompletesOnce() {
        runner.run(context -> {
            Payouts payouts = context.getBean(Payouts.class);
            assertThatThrownBy(() -> payouts.send("p1")).isInstanceOf(IdempotencyDeferredException.class);
            payouts.bringUp();
            IdempotencyStore store = context.getBean(IdempotencyStore.class);

            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    store.find("spring-payouts:p1").orElseThrow().state() == RecordState.COMPLETED);

            assertThat(payouts.sent()).isEqualTo(1);
            assertThat(payouts.send("p1")).isEqualTo("sent p1");
            assertThat(payouts.sent()).isEqualTo(1);
        });
    }

    @Test
    void theWorkerBacksOffWhenDisabledOrDefinedByTheApplication() {
        runner.withPropertyValues("idem.worker.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(DeferredWorker.class));
        runner.run(context -> assertThat(context).hasSingleBean(DeferredWorker.class));
    }
}
