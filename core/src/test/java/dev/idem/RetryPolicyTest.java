package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.IdempotencyException;
import dev.idem.annotation.IdempotencyInProgressException;
import dev.idem.annotation.IdempotencyKeyMismatchException;
import dev.idem.annotation.IdempotencyReplayedFailureException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.annotation.Jitter;
import dev.idem.annotation.Retryable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryPolicyTest {

    static final class TransientError extends Error {
        private static final long serialVersionUID = 1L;

        TransientError(String message) {
            super(message);
        }
    }

    private static Object defaultOf(String attribute) throws NoSuchMethodException {
        Method method = Retryable.class.getMethod(attribute);
        return method.getDefaultValue();
    }

    @Nested
    class Defaults {

        @Test
        void builderDefaultsAreTheDefaultsOfTheRetryableAnnotation() throws Exception {
            RetryPolicy policy = RetryPolicy.builder().build();

            assertThat(policy.maxAttempts()).isEqualTo(defaultOf("maxAttempts")).isEqualTo(3);
            assertThat(policy.delay()).isEqualTo(Durations.parse((String) defaultOf("delay"), "delay"))
                    .isEqualTo(Duration.ofMillis(100));
            assertThat(policy.multiplier()).isEqualTo(defaultOf("multiplier")).isEqualTo(2.0);
            assertThat(policy.maxDelay()).isEqualTo(Durations.parse((String) defaultOf("maxDelay"), "maxDelay"))
                    .isEqualTo(Duration.ofSeconds(10));
            assertThat(policy.jitter()).isEqualTo(defaultOf("jitter")).isEqualTo(Jitter.FULL);
            assertThat(defaultOf("maxDuration")).isEqualTo("");
            assertThat(policy.maxDuration()).isNull();
            assertThat(policy.includes()).isEmpty();
            assertThat(policy.excludes()).isEmpty();
            assertThat(policy.budget()).isEqualTo(defaultOf("budget")).isEqualTo(true);
            assertThat(policy.budgetRatio()).isEqualTo(defaultOf("budgetRatio")).isEqualTo(0.2);
            assertThat(policy.budgetMinPerSecond()).isEqualTo(defaultOf("budgetMinPerSecond")).isEqualTo(10);
            assertThat(policy.defer()).isNull();
        }

        @Test
        void deferDefaultsAreTheDefaultsOfTheRetryableAnnotation() throws Exception {
            DeferPolicy defer = DeferPolicy.defaults();

            assertThat(defer.maxAttempts()).isEqualTo(defaultOf("deferMaxAttempts")).isEqualTo(10);
            assertThat(defer.delay()).isEqualTo(Durations.parse((String) defaultOf("deferDelay"), "deferDelay"))
                    .isEqualTo(Duration.ofMinutes(1));
            assertThat(defer.multiplier()).isEqualTo(defaultOf("deferMultiplier")).isEqualTo(2.0);
            assertThat(defer.maxDelay()).isEqualTo(Durations.parse((String) defaultOf("deferMaxDelay"), "deferMaxDelay"))
                    .isEqualTo(Duration.ofHours(1));
        }
    }

    @Nested
    class Validation {

        @ParameterizedTest
        @ValueSource(ints = {0, -1, Integer.MIN_VALUE})
        void maxAttemptsBelowOneIsRefused(int maxAttempts) {
            assertThatThrownBy(() -> RetryPolicy.builder().maxAttempts(maxAttempts))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxAttempts must be at least 1")
                    .hasMessageContaining(String.valueOf(maxAttempts));
        }

        @Test
        void oneAttemptIsAllowedAndMeansNoRetry() {
            assertThat(RetryPolicy.builder().maxAttempts(1).build().maxAttempts()).isEqualTo(1);
        }

        @ParameterizedTest
        @ValueSource(doubles = {0.999, 0.0, -2.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
        void multiplierBelowOneOrNotFiniteIsRefused(double multiplier) {
            assertThatThrownBy(() -> RetryPolicy.builder().multiplier(multiplier))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("multiplier must be a finite number of at least 1")
                    .hasMessageContaining(String.valueOf(multiplier));
        }

        @Test
        void multiplierOfOneIsAllowed() {
            assertThat(RetryPolicy.builder().multiplier(1.0).build().multiplier()).isEqualTo(1.0);
        }

        @Test
        void negativeDelayIsRefused() {
            assertThatThrownBy(() -> RetryPolicy.builder().delay(Duration.ofMillis(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("delay must be zero or a positive duration")
                    .hasMessageContaining("PT-0.001S");
        }

        @Test
        void nullDelayIsRefused() {
            assertThatThrownBy(() -> RetryPolicy.builder().delay(null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("delay must be zero or a positive duration, not null");
        }

        @Test
        void negativeMaxDelayIsRefused() {
            assertThatThrownBy(() -> RetryPolicy.builder().maxDelay(Duration.ofSeconds(-5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("maxDelay must be zero or a positive duration")
                    .hasMessageContaining("PT-5S");
        }

        @Test
        void zeroDelaysAreAllowed() {
            RetryPolicy policy = RetryPolicy.builder().delay(Duration.ZERO).maxDelay(Duration.ZERO).build();
            assertThat(policy.delayBefore(1, 0.5)).isZero();
            assertThat(policy.delayBefore(50, 0.5)).isZero();
        }

        @Test
        void maxDelayShorterThanDelayIsRefusedAtBuild() {
            RetryPolicy.Builder builder = RetryPolicy.builder().delay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(50));
            assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxDelay (PT0.05S) is shorter than delay (PT0.1S)");
        }

        @Test
        void delayLongerThanTheDefaultMaxDelayIsRefusedAtBuild() {
            RetryPolicy.Builder builder = RetryPolicy.builder().delay(Duration.ofSeconds(20));
            assertThatThrownBy(builder::build)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxDelay (PT10S)")
                    .hasMessageContaining("delay (PT20S)");
        }

        @Test
        void maxDelayEqualToDelayIsAllowed() {
            RetryPolicy policy = RetryPolicy.builder().delay(Duration.ofSeconds(1)).maxDelay(Duration.ofSeconds(1)).build();
            assertThat(policy.maxDelay()).isEqualTo(policy.delay());
        }

        @Test
        void zeroOrNegativeMaxDurationIsRefusedButNullMeansNoLimit() {
            assertThatThrownBy(() -> RetryPolicy.builder().maxDuration(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxDuration must be a positive duration, not PT0S");
            assertThatThrownBy(() -> RetryPolicy.builder().maxDuration(Duration.ofSeconds(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxDuration must be a positive duration");
            assertThat(RetryPolicy.builder().maxDuration(Duration.ofSeconds(1)).maxDuration(null).build().maxDuration())
                    .isNull();
        }

        @ParameterizedTest
        @ValueSource(doubles = {-0.1, Double.NaN, Double.POSITIVE_INFINITY})
        void budgetRatioMustBeAFiniteNumberOfAtLeastZero(double ratio) {
            assertThatThrownBy(() -> RetryPolicy.builder().budget(ratio, 10))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("budget ratio must be a finite number of at least 0")
                    .hasMessageContaining(String.valueOf(ratio));
        }

        @Test
        void budgetMinimumPerSecondMustNotBeNegative() {
            assertThatThrownBy(() -> RetryPolicy.builder().budget(0.2, -1))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("budget minimum per second must be at least 0: -1");
        }

        @Test
        void budgetWithValuesTurnsTheBudgetOnAgain() {
            RetryPolicy policy = RetryPolicy.builder().budget(false).budget(0.0, 0).build();
            assertThat(policy.budget()).isTrue();
            assertThat(policy.budgetRatio()).isZero();
            assertThat(policy.budgetMinPerSecond()).isZero();
        }

        @Test
        void nullJitterIsRefused() {
            assertThatThrownBy(() -> RetryPolicy.builder().jitter(null))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessage("jitter");
        }

        @Test
        void deferMaxAttemptsBelowOneIsRefused() {
            assertThatThrownBy(() -> DeferPolicy.of(0, Duration.ofMinutes(1), 2, Duration.ofHours(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("deferMaxAttempts must be at least 1: 0");
        }

        @Test
        void deferDelaysMustBePositive() {
            assertThatThrownBy(() -> DeferPolicy.of(3, Duration.ZERO, 2, Duration.ofHours(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("deferDelay must be a positive duration, not PT0S");
            assertThatThrownBy(() -> DeferPolicy.of(3, null, 2, Duration.ofHours(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("deferDelay must be a positive duration, not null");
            assertThatThrownBy(() -> DeferPolicy.of(3, Duration.ofMinutes(1), 2, Duration.ofMinutes(-1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("deferMaxDelay must be a positive duration, not PT-1M");
        }

        @ParameterizedTest
        @ValueSource(doubles = {0.5, Double.NaN, Double.POSITIVE_INFINITY})
        void deferMultiplierMustBeFiniteAndAtLeastOne(double multiplier) {
            assertThatThrownBy(() -> DeferPolicy.of(3, Duration.ofMinutes(1), multiplier, Duration.ofHours(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("deferMultiplier must be a finite number of at least 1: " + multiplier);
        }

        @Test
        void deferMaxDelayShorterThanDeferDelayIsRefused() {
            assertThatThrownBy(() -> DeferPolicy.of(3, Duration.ofMinutes(10), 2, Duration.ofMinutes(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("deferMaxDelay (PT5M) is shorter than deferDelay (PT10M)");
        }
    }

    @Nested
    class Values {

        @Test
        void toBuilderCopiesEveryValueAndLeavesTheOriginalUnchanged() {
            DeferPolicy defer = DeferPolicy.of(4, Duration.ofSeconds(30), 3, Duration.ofMinutes(30));
            RetryPolicy original = RetryPolicy.builder()
                    .maxAttempts(7)
                    .delay(Duration.ofMillis(250))
                    .multiplier(1.5)
                    .maxDelay(Duration.ofSeconds(3))
                    .jitter(Jitter.EQUAL)
                    .maxDuration(Duration.ofSeconds(20))
                    .includes(IOException.class)
                    .excludes(FileNotFoundException.class)
                    .budget(0.3, 4)
                    .defer(defer)
                    .build();

            RetryPolicy copy = original.toBuilder().build();
            assertThat(copy).usingRecursiveComparison().isEqualTo(original);
            assertThat(copy.toString()).isEqualTo(original.toString());

            RetryPolicy changed = original.toBuilder().maxAttempts(2).includes().budget(false).defer(null).build();
            assertThat(changed.maxAttempts()).isEqualTo(2);
            assertThat(changed.includes()).isEmpty();
            assertThat(changed.budget()).isFalse();
            assertThat(changed.defer()).isNull();
            assertThat(original.maxAttempts()).isEqualTo(7);
            assertThat(original.includes()).containsExactly(IOException.class);
            assertThat(original.excludes()).containsExactly(FileNotFoundException.class);
            assertThat(original.budget()).isTrue();
            assertThat(original.defer()).isSameAs(defer);
        }

        @Test
        void includesAndExcludesAreImmutable() {
            RetryPolicy policy = RetryPolicy.builder().includes(IOException.class).excludes(TimeoutException.class).build();
            assertThatThrownBy(() -> policy.includes().add(RuntimeException.class))
                    .isInstanceOf(UnsupportedOperationException.class);
            assertThatThrownBy(() -> policy.excludes().clear()).isInstanceOf(UnsupportedOperationException.class);
        }

        @Test
        void toStringShowsTheSettings() {
            RetryPolicy policy = RetryPolicy.builder().maxAttempts(5).jitter(Jitter.NONE).budget(0.5, 2)
                    .includes(IOException.class).build();
            assertThat(policy.toString())
                    .contains("maxAttempts=5", "jitter=NONE", "budget=true(0.5, 2/s)", "java.io.IOException");
            assertThat(RetryPolicy.builder().budget(false).build().toString()).contains("budget=false,")
                    .doesNotContain("/s)");
        }
    }

    @Nested
    class Delays {

        private RetryPolicy policy(Jitter jitter) {
            return RetryPolicy.builder().delay(Duration.ofMillis(100)).multiplier(2).maxDelay(Duration.ofSeconds(1))
                    .jitter(jitter).build();
        }

        @Test
        void noJitterGivesTheExactExponentialSequenceCappedAtMaxDelay() {
            RetryPolicy policy = policy(Jitter.NONE);
            assertThat(policy.delayBefore(1, 0.73)).isEqualTo(Duration.ofMillis(100));
            assertThat(policy.delayBefore(2, 0.73)).isEqualTo(Duration.ofMillis(200));
            assertThat(policy.delayBefore(3, 0.73)).isEqualTo(Duration.ofMillis(400));
            assertThat(policy.delayBefore(4, 0.73)).isEqualTo(Duration.ofMillis(800));
            assertThat(policy.delayBefore(5, 0.73)).isEqualTo(Duration.ofSeconds(1));
            assertThat(policy.delayBefore(6, 0.73)).isEqualTo(Duration.ofSeconds(1));
        }

        @Test
        void fullJitterIsTheBackoffTimesTheRandomValue() {
            RetryPolicy policy = policy(Jitter.FULL);
            assertThat(policy.delayBefore(1, 0.0)).isZero();
            assertThat(policy.delayBefore(1, 0.25)).isEqualTo(Duration.ofMillis(25));
            assertThat(policy.delayBefore(3, 0.5)).isEqualTo(Duration.ofMillis(200));
            assertThat(policy.delayBefore(9, 0.5)).isEqualTo(Duration.ofMillis(500));
        }

        @Test
        void equalJitterIsHalfTheBackoffPlusARandomShareOfTheOtherHalf() {
            RetryPolicy policy = policy(Jitter.EQUAL);
            assertThat(policy.delayBefore(1, 0.0)).isEqualTo(Duration.ofMillis(50));
            assertThat(policy.delayBefore(1, 0.5)).isEqualTo(Duration.ofMillis(75));
            assertThat(policy.delayBefore(2, 0.5)).isEqualTo(Duration.ofMillis(150));
            assertThat(policy.delayBefore(9, 0.0)).isEqualTo(Duration.ofMillis(500));
        }

        @Test
        void jitteredDelaysStayWithinTheirBounds() {
            for (Jitter jitter : Jitter.values()) {
                RetryPolicy policy = policy(jitter);
                for (int retry = 1; retry <= 12; retry++) {
                    Duration backoff = policy(Jitter.NONE).delayBefore(retry, 0);
                    for (double random : new double[] {0.0, 0.1, 0.5, 0.999_999}) {
                        Duration delay = policy.delayBefore(retry, random);
                        assertThat(delay).isLessThanOrEqualTo(backoff).isGreaterThanOrEqualTo(Duration.ZERO);
                        if (jitter == Jitter.EQUAL) {
                            assertThat(delay).isGreaterThanOrEqualTo(backoff.dividedBy(2));
                        }
                    }
                }
            }
        }

        @Test
        void aFixedMultiplierKeepsTheDelayConstant() {
            RetryPolicy policy = RetryPolicy.builder().multiplier(1).delay(Duration.ofMillis(300)).jitter(Jitter.NONE).build();
            assertThat(policy.delayBefore(1, 0)).isEqualTo(Duration.ofMillis(300));
            assertThat(policy.delayBefore(40, 0)).isEqualTo(Duration.ofMillis(300));
        }

        @Test
        void veryLateRetriesDoNotOverflowAndStayAtMaxDelay() {
            RetryPolicy policy = RetryPolicy.builder().multiplier(10).maxDelay(Duration.ofDays(1))
                    .jitter(Jitter.NONE).build();
            assertThat(policy.delayBefore(1_000, 0)).isEqualTo(Duration.ofDays(1));
            assertThat(policy.delayBefore(Integer.MAX_VALUE, 0)).isEqualTo(Duration.ofDays(1));
        }

        @Test
        void aZeroDelayStaysZeroEvenWhenTheMultiplierOverflows() {
            RetryPolicy policy = RetryPolicy.builder().delay(Duration.ZERO).maxDelay(Duration.ofSeconds(1))
                    .jitter(Jitter.NONE).build();
            assertThat(policy.delayBefore(5_000, 0)).isZero();
        }

        @Test
        void deferredDelaysUseEqualJitterSoNoneIsImmediate() {
            DeferPolicy defer = DeferPolicy.defaults();
            assertThat(defer.delayBefore(1, 0.0)).isEqualTo(Duration.ofSeconds(30));
            assertThat(defer.delayBefore(1, 0.5)).isEqualTo(Duration.ofSeconds(45));
            assertThat(defer.delayBefore(2, 0.0)).isEqualTo(Duration.ofMinutes(1));
            assertThat(defer.delayBefore(7, 0.0)).isEqualTo(Duration.ofMinutes(30));
            assertThat(defer.delayBefore(10, 0.0)).isEqualTo(Duration.ofMinutes(30));
            assertThat(defer.delayBefore(10, 0.999_999)).isLessThanOrEqualTo(Duration.ofHours(1))
                    .isGreaterThan(Duration.ofMinutes(59));
            assertThat(defer.toString()).isEqualTo("DeferPolicy[maxAttempts=10, delay=PT1M, multiplier=2.0, maxDelay=PT1H]");
        }
    }

    @Nested
    class WhichFailuresAreRetried {

        @Test
        void byDefaultEveryExceptionIsRetriedButNoError() {
            RetryPolicy policy = RetryPolicy.builder().build();
            assertThat(policy.retries(new IOException("io"))).isTrue();
            assertThat(policy.retries(new IllegalStateException("state"))).isTrue();
            assertThat(policy.retries(new Exception("plain"))).isTrue();
            assertThat(policy.retries(new TransientError("error"))).isFalse();
            assertThat(policy.retries(new AssertionError("assert"))).isFalse();
            assertThat(policy.retries(new StackOverflowError())).isFalse();
        }

        @Test
        void anInterruptionIsACancellationAndNeverRetried() {
            RetryPolicy policy = RetryPolicy.builder().includes(Exception.class).build();
            assertThat(policy.retries(new InterruptedException("cancelled"))).isFalse();
            assertThat(RetryPolicy.builder().build().retries(new InterruptedException("cancelled"))).isFalse();
        }

        @Test
        void anErrorIsRetriedWhenListedInIncludes() {
            RetryPolicy policy = RetryPolicy.builder().includes(TransientError.class).build();
            assertThat(policy.retries(new TransientError("flaky"))).isTrue();
            assertThat(policy.retries(new AssertionError("other error"))).isFalse();
            assertThat(policy.retries(new IOException("not listed"))).isFalse();
        }

        @Test
        void includesMatchSubtypesAndCauses() {
            RetryPolicy policy = RetryPolicy.builder().includes(IOException.class).build();
            assertThat(policy.retries(new FileNotFoundException("subtype"))).isTrue();
            assertThat(policy.retries(new UncheckedIOException(new IOException("cause")))).isTrue();
            assertThat(policy.retries(new IllegalStateException("other"))).isFalse();

            Throwable deep = new IOException("root");
            for (int i = 0; i < 10; i++) {
                deep = new RuntimeException("wrapper " + i, deep);
            }
            assertThat(policy.retries(deep)).isTrue();
        }

        @Test
        void excludesMatchSubtypesAndCausesAndWinOverIncludes() {
            RetryPolicy policy = RetryPolicy.builder().includes(IOException.class).excludes(FileNotFoundException.class)
                    .build();
            assertThat(policy.retries(new IOException("retried"))).isTrue();
            assertThat(policy.retries(new FileNotFoundException("excluded"))).isFalse();
            assertThat(policy.retries(new UncheckedIOException(new FileNotFoundException("excluded cause")))).isFalse();

            RetryPolicy both = RetryPolicy.builder().includes(IOException.class).excludes(IOException.class).build();
            assertThat(both.retries(new IOException("in both lists"))).isFalse();
        }

        @Test
        void anExcludedCauseStopsARetryEvenWithDefaultIncludes() {
            RetryPolicy policy = RetryPolicy.builder().excludes(IllegalArgumentException.class).build();
            assertThat(policy.retries(new RuntimeException("wrapper", new IllegalArgumentException("bad input"))))
                    .isFalse();
            assertThat(policy.retries(new RuntimeException("wrapper", new IOException("transient")))).isTrue();
        }

        @Test
        void idemsOwnExceptionsAreNeverRetriedEvenWhenIncluded() {
            RetryPolicy policy = RetryPolicy.builder()
                    .includes(RuntimeException.class, IdempotencyException.class, IdempotencyInProgressException.class)
                    .build();
            IdempotencyException[] own = {
                new IdempotencyException("ns:k", "base", null),
                new IdempotencyInProgressException("ns:k", Instant.EPOCH, "running"),
                new IdempotencyKeyMismatchException("ns:k", "mismatch"),
                new IdempotencyStoreUnavailableException("ns:k", "down", new IOException("conn")),
                new IdempotencyReplayedFailureException("ns:k", "java.io.IOException", "gone"),
            };
            for (IdempotencyException failure : own) {
                assertThat(policy.retries(failure)).as(failure.getClass().getSimpleName()).isFalse();
                assertThat(RetryPolicy.builder().build().retries(failure)).as(failure.getClass().getSimpleName())
                        .isFalse();
            }
            assertThat(policy.retries(new IllegalStateException("still retried"))).isTrue();
        }

        @Test
        void aCyclicCauseChainEndsTheSearch() {
            RuntimeException a = new RuntimeException("a");
            RuntimeException b = new RuntimeException("b", a);
            a.initCause(b);
            RetryPolicy policy = RetryPolicy.builder().includes(IOException.class).build();
            assertThat(policy.retries(a)).isFalse();
            RetryPolicy excluding = RetryPolicy.builder().excludes(IOException.class).build();
            assertThat(excluding.retries(b)).isTrue();
        }
    }
}
