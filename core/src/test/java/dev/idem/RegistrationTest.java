package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyKey;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.OnFailure;
import dev.idem.annotation.Retryable;
import dev.idem.store.InMemoryStore;
import dev.idem.testing.ReflectiveWeaver;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A bad annotation fails when the method is registered, naming the method, the attribute and the fix. */
class RegistrationTest {

    record PaymentEvent(String id, long amount) {
    }

    interface Result {
    }

    @SuppressWarnings("unused")
    static class Broken {
        @Idempotent(key = "#event.idd")
        public String typo(PaymentEvent event) {
            return "";
        }

        @Idempotent(key = "#evnt.id")
        public String unknownParameter(PaymentEvent event) {
            return "";
        }

        @Idempotent(key = "#event.id(")
        public String syntax(PaymentEvent event) {
            return "";
        }

        @Idempotent(key = "#event.id", ttl = "1 day")
        public String badTtl(PaymentEvent event) {
            return "";
        }

        @Idempotent(key = "#event.id")
        public CompletableFuture<String> async(PaymentEvent event) {
            return null;
        }

        @Idempotent(key = "#event.id")
        public Object untyped(PaymentEvent event) {
            return null;
        }

        @Idempotent(key = "#event.id")
        public Result abstractResult(PaymentEvent event) {
            return null;
        }

        @Idempotent(key = "#event.id")
        public Serializable serializable(PaymentEvent event) {
            return null;
        }

        @Idempotent
        public String twoKeys(@IdempotencyKey String a, @IdempotencyKey String b) {
            return "";
        }

        @Idempotent
        public String objectKey(@IdempotencyKey PaymentEvent event) {
            return "";
        }

        @Idempotent(key = "#a")
        public String keyAndParameter(@IdempotencyKey String a) {
            return "";
        }

        @Idempotent(key = "#event.id", fingerprintParameters = "payload")
        public String unknownFingerprintParameter(PaymentEvent event) {
            return "";
        }

        @Idempotent(key = "#event.id", rememberOn = IllegalStateException.class)
        public String rememberOnWithRelease(PaymentEvent event) {
            return "";
        }

        @Retryable(maxAttempts = 0)
        public String noAttempts() {
            return "";
        }

        @Retryable(delay = "5s", maxDelay = "1s")
        public String delayOverCap() {
            return "";
        }

        @Idempotent(key = "#event.id", name = "bad\nname")
        public String badName(PaymentEvent event) {
            return "";
        }

        public String plain() {
            return "";
        }

        @Idempotent(key = "#event.id", onFailure = OnFailure.REMEMBER, rememberOn = IllegalStateException.class)
        @Retryable(maxAttempts = 2)
        public List<PaymentEvent> fine(PaymentEvent event) {
            return List.of(event);
        }
    }

    private final Idem idem = Idem.builder().store(new InMemoryStore()).build();

    @AfterEach
    void close() {
        idem.close();
    }

    private IdempotencyConfigurationException register(String method) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> idem.method(ReflectiveWeaver.find(Broken.class, method)));
        assertThat(thrown).isInstanceOf(IdempotencyConfigurationException.class);
        assertThat(thrown.getMessage()).contains(Broken.class.getName() + "#" + method + "(");
        return (IdempotencyConfigurationException) thrown;
    }

    @Test
    void aPropertyThatDoesNotExistIsNamedWithTheKnownOnes() {
        assertThat(register("typo").getMessage()).contains("#event.idd").contains("idd").contains("amount").contains("id");
    }

    @Test
    void anUnknownParameterIsNamedWithTheAvailableOnes() {
        assertThat(register("unknownParameter").getMessage()).contains("#evnt.id").contains("event");
    }

    @Test
    void aSyntaxErrorPointsAtItsColumn() {
        assertThat(register("syntax").getMessage()).contains("#event.id(").containsIgnoringCase("column");
    }

    @Test
    void aBadDurationNamesTheAttributeAndTheAcceptedForms() {
        assertThat(register("badTtl").getMessage()).contains("@Idempotent(ttl)").contains("1 day").contains("24h");
    }

    @Test
    void asynchronousResultsAreRefused() {
        assertThat(register("async").getMessage()).contains("CompletableFuture").contains("asynchronous");
    }

    @Test
    void resultsThatCannotBeReplayedSafelyAreRefused() {
        assertThat(register("untyped").getMessage()).contains("Object");
        assertThat(register("abstractResult").getMessage()).contains("interface").contains("concrete");
        assertThat(register("serializable").getMessage()).contains("concrete");
    }

    @Test
    void keyParametersMustBeOneScalarAndNotBesideAnExpression() {
        assertThat(register("twoKeys").getMessage()).contains("more than one @IdempotencyKey");
        assertThat(register("objectKey").getMessage()).contains("#event.id");
        assertThat(register("keyAndParameter").getMessage()).contains("both");
    }

    @Test
    void fingerprintParametersMustExist() {
        assertThat(register("unknownFingerprintParameter").getMessage()).contains("payload").contains("[event]");
    }

    @Test
    void rememberOnNeedsRemember() {
        assertThat(register("rememberOnWithRelease").getMessage()).contains("rememberOn").contains("REMEMBER");
    }

    @Test
    void retryLimitsAreChecked() {
        assertThat(register("noAttempts").getMessage()).contains("maxAttempts");
        assertThat(register("delayOverCap").getMessage()).contains("maxDelay");
    }

    @Test
    void aBadNamespaceIsRefused() {
        assertThat(register("badName").getMessage()).contains("namespace");
    }

    @Test
    void aMethodWithoutAnnotationsIsRefused() {
        assertThat(register("plain").getMessage()).contains("neither @Idempotent nor @Retryable");
    }

    @Test
    void aValidMethodIsRegisteredOnceWithItsPolicies() {
        IdempotentMethod method = idem.method(ReflectiveWeaver.find(Broken.class, "fine"));

        assertThat(idem.method(ReflectiveWeaver.find(Broken.class, "fine"))).isSameAs(method);
        assertThat(method.idempotency().onFailure()).isEqualTo(OnFailure.REMEMBER);
        assertThat(method.idempotency().rememberOn()).containsExactly(IllegalStateException.class);
        assertThat(method.retry().maxAttempts()).isEqualTo(2);
        assertThat(method.namespace()).isEqualTo(Broken.class.getName() + "#fine");
    }
}
