package dev.idem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.Idem;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import dev.idem.spring.IdemMetrics;
import dev.idem.store.AuditEvent;
import dev.idem.store.RecordState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.annotation.EnableTransactionManagement;
import org.springframework.transaction.annotation.Transactional;

/** The advisor: deduplication, retries and their order around {@code @Transactional}, startup checks, metrics. */
class AdvisorTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(BootLine.idem())
            .withPropertyValues("idem.store=memory")
            .withBean(MeterRegistry.class, SimpleMeterRegistry::new)
            .withUserConfiguration(Transactions.class);

    @Test
    void aRolledBackTransactionLeavesNoCompletedRecordAndTheNextCallRunsAgain() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            assertThatThrownBy(() -> payments.chargeThenFail("c-1")).hasMessage("declined");
            assertThat(jdbc.queryForObject("select count(*) from charges", Integer.class)).isZero();
            Idem idem = context.getBean(Idem.class);
            String namespace = Payments.class.getName() + "#chargeThenFail";
            assertThat(idem.audit().find(namespace, "c-1")).hasValueSatisfying(record ->
                    assertThat(record.state()).isEqualTo(RecordState.RELEASED));
            assertThat(idem.audit().history(namespace, "c-1")).extracting(entry -> entry.event())
                    .containsExactly(AuditEvent.CLAIMED, AuditEvent.RELEASED);
            assertThatThrownBy(() -> payments.chargeThenFail("c-1")).hasMessage("declined");
            assertThat(payments.runs()).isEqualTo(2);
        });
    }

    @Test
    void aReplayDoesNotOpenATransactionAndDoesNotRunTheBody() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            CountingTransactionManager transactions = context.getBean(CountingTransactionManager.class);
            assertThat(payments.charge("c-2")).isEqualTo("receipt-c-2");
            assertThat(transactions.begun).hasValue(1);
            assertThat(payments.charge("c-2")).isEqualTo("receipt-c-2");
            assertThat(payments.runs()).isEqualTo(1);
            assertThat(transactions.begun).hasValue(1);
            assertThat(context.getBean(JdbcTemplate.class).queryForObject("select count(*) from charges", Integer.class))
                    .isOne();
        });
    }

    @Test
    void eachRetryRunsInItsOwnTransactionInsideOneClaim() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            assertThat(payments.flaky("c-3")).isEqualTo("settled");
            assertThat(payments.flakyAttempts()).isEqualTo(3);
            assertThat(context.getBean(CountingTransactionManager.class).begun).hasValue(3);
            assertThat(context.getBean(JdbcTemplate.class).queryForObject("select count(*) from charges", Integer.class))
                    .isOne();
            Idem idem = context.getBean(Idem.class);
            assertThat(idem.audit().history(Payments.class.getName() + "#flaky", "c-3")).extracting(entry -> entry.event())
                    .containsExactly(AuditEvent.CLAIMED, AuditEvent.COMPLETED);
        });
    }

    @Test
    void callsRetriesReplaysAndStoreLatencyAreMeasuredWithoutTheKey() {
        runner.run(context -> {
            Payments payments = context.getBean(Payments.class);
            payments.charge("m-1");
            payments.charge("m-1");
            payments.flaky("m-2");
            MeterRegistry registry = context.getBean(MeterRegistry.class);
            String charge = Payments.class.getName() + "#charge";
            assertThat(registry.get(IdemMetrics.CALLS).tags("name", charge, "outcome", "executed", "source", "method")
                    .counter().count()).isEqualTo(1);
            assertThat(registry.get(IdemMetrics.REPLAYS).tags("name", charge).counter().count()).isEqualTo(1);
            assertThat(registry.get(IdemMetrics.RETRIES).tags("name", Payments.class.getName() + "#flaky").counter()
                    .count()).isEqualTo(2);
            assertThat(registry.get(IdemMetrics.STORE_LATENCY).tags("operation", "claim").timer().count())
                    .isEqualTo(3);
            assertThat(registry.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getTags())
                    .noneMatch(tag -> tag.getValue().contains("m-1") || tag.getValue().contains("m-2")));
        });
    }

    @Test
    void aBadKeyExpressionStopsTheApplicationNamingTheMethodAndTheExpression() {
        runner.withBean(BadKey.class).run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining(BadKey.class.getName() + "#handle(String)")
                .hasMessageContaining("'#evnt'"));
    }

    @Test
    void aMethodThatAProxyCannotInterceptStopsTheApplication() {
        runner.withBean(FinalMethod.class).run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining(FinalMethod.class.getName() + "#handle(String) is final"));
    }

    @Test
    void beansWithoutAnnotationsAreNotProxied() {
        runner.withBean(Plain.class).run(context -> {
            assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse();
            assertThat(AopUtils.isAopProxy(context.getBean(Payments.class))).isTrue();
        });
    }

    @Configuration(proxyBeanMethods = false)
    @EnableTransactionManagement
    static class Transactions {
        @Bean(destroyMethod = "shutdown")
        DataSource dataSource() {
            return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true)
                    .addScript("classpath:charges.sql").build();
        }

        @Bean
        CountingTransactionManager transactionManager(DataSource dataSource) {
            return new CountingTransactionManager(dataSource);
        }

        @Bean
        JdbcTemplate jdbcTemplate(DataSource dataSource) {
            return new JdbcTemplate(dataSource);
        }

        @Bean
        Payments payments(JdbcTemplate jdbc) {
            return new Payments(jdbc);
        }
    }

    /** A real transaction manager that counts the transactions it begins. */
    static final class CountingTransactionManager extends DataSourceTransactionManager {
        final AtomicInteger begun = new AtomicInteger();

        CountingTransactionManager(DataSource dataSource) {
            super(dataSource);
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
            begun.incrementAndGet();
            super.doBegin(transaction, definition);
        }
    }

    static class Payments {
        private final AtomicInteger runs = new AtomicInteger();
        private final AtomicInteger flakyAttempts = new AtomicInteger();
        private final JdbcTemplate jdbc;

        Payments(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        public int runs() {
            return runs.get();
        }

        public int flakyAttempts() {
            return flakyAttempts.get();
        }

        @Idempotent(key = "#id")
        @Transactional
        public String charge(String id) {
            runs.incrementAndGet();
            jdbc.update("insert into charges(id) values (?)", id);
            return "receipt-" + id;
        }

        @Idempotent(key = "#id")
        @Transactional
        public String chargeThenFail(String id) {
            runs.incrementAndGet();
            jdbc.update("insert into charges(id) values (?)", id);
            throw new IllegalStateException("declined");
        }

        @Idempotent(key = "#id")
        @Retryable(maxAttempts = 3, delay = "1ms", budget = false)
        @Transactional
        public String flaky(String id) {
            jdbc.update("insert into charges(id) values (?)", id);
            if (flakyAttempts.incrementAndGet() < 3) {
                throw new IllegalStateException("gateway timeout");
            }
            return "settled";
        }
    }

    static class BadKey {
        @Idempotent(key = "#evnt")
        public String handle(String event) {
            return event;
        }
    }

    static class FinalMethod {
        @Idempotent
        public final String handle(String event) {
            return event;
        }
    }

    static class Plain {
        public String handle(String event) {
            return event;
        }
    }
}
