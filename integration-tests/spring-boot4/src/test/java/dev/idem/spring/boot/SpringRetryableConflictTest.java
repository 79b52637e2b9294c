package dev.idem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.resilience.annotation.EnableResilientMethods;

/** Spring Framework 7 has its own {@code @Retryable}; the two on one method are refused at startup. */
class SpringRetryableConflictTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(BootLine.idem())
            .withPropertyValues("idem.store=memory")
            .withUserConfiguration(Resilience.class);

    @Test
    void bothRetryablesOnOneMethodAreRefusedNamingTheMethod() {
        runner.withBean(Both.class).run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining(Both.class.getName() + "#charge(String) carries both @dev.idem.annotation.Retryable "
                        + "and Spring's @org.springframework.resilience.annotation.Retryable"));
    }

    @Test
    void springsRetryableOnTheClassCountsToo() {
        runner.withBean(SpringOnClass.class).run(context -> assertThat(context).hasFailed().getFailure().rootCause()
                .hasMessageContaining(SpringOnClass.class.getName() + "#charge(String) carries both"));
    }

    @Test
    void eachAloneIsFine() {
        runner.withBean(IdemOnly.class).withBean(SpringOnly.class).run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(IdemOnly.class).charge("a")).isEqualTo("a");
            assertThat(context.getBean(SpringOnly.class).charge("b")).isEqualTo("b");
        });
    }

    @EnableResilientMethods
    static class Resilience {
    }

    static class Both {
        @dev.idem.annotation.Retryable
        @org.springframework.resilience.annotation.Retryable
        public String charge(String id) {
            return id;
        }
    }

    @org.springframework.resilience.annotation.Retryable
    static class SpringOnClass {
        @dev.idem.annotation.Retryable
        public String charge(String id) {
            return id;
        }
    }

    static class IdemOnly {
        @dev.idem.annotation.Retryable
        public String charge(String id) {
            return id;
        }
    }

    static class SpringOnly {
        @org.springframework.resilience.annotation.Retryable
        public String charge(String id) {
            return id;
        }
    }
}
