package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.annotation.IdempotencyReplayedFailureException;
import dev.idem.store.ErrorInfo;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class FailureReplayTest {

    private static final String KEY = "payments:evt_1";
    private static final ClassLoader LOADER = FailureReplayTest.class.getClassLoader();

    /** Flags set by static initialisers; kept outside the classes so that reading them initialises nothing. */
    static final class Flags {
        static final AtomicBoolean POISONED_INITIALISED = new AtomicBoolean();
        static final AtomicBoolean CANARY_INITIALISED = new AtomicBoolean();
    }

    public static class PaymentDeclinedException extends Exception {
        private static final long serialVersionUID = 1L;

        public PaymentDeclinedException(String message) {
            super(message);
        }
    }

    public static class CardExpiredException extends PaymentDeclinedException {
        private static final long serialVersionUID = 1L;

        public CardExpiredException(String message) {
            super(message);
        }
    }

    public static class NoMessageException extends Exception {
        private static final long serialVersionUID = 1L;

        public NoMessageException() {
            super("default message");
        }
    }

    public static class HiddenConstructorException extends Exception {
        private static final long serialVersionUID = 1L;

        HiddenConstructorException(String message) {
            super(message);
        }
    }

    public abstract static class AbstractFailure extends Exception {
        private static final long serialVersionUID = 1L;

        public AbstractFailure(String message) {
            super(message);
        }
    }

    public static class ExplodingConstructorException extends Exception {
        private static final long serialVersionUID = 1L;

        public ExplodingConstructorException(String message) {
            super(message);
            throw new IllegalStateException("constructor side effect");
        }
    }

    /** Never trusted by any test: its static initialiser must never run. */
    public static class Poisoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        static {
            Flags.POISONED_INITIALISED.set(true);
        }

        public Poisoned(String message) {
            super(message);
        }
    }

    /** The same shape as {@link Poisoned}, trusted: shows that the flag does record an initialisation. */
    public static class Canary extends RuntimeException {
        private static final long serialVersionUID = 1L;

        static {
            Flags.CANARY_INITIALISED.set(true);
        }

        public Canary(String message) {
            super(message);
        }
    }

    public static class FailingInitialiser extends RuntimeException {
        private static final long serialVersionUID = 1L;

        static {
            explode();
        }

        public FailingInitialiser(String message) {
            super(message);
        }

        private static void explode() {
            throw new IllegalStateException("static initialiser failed");
        }
    }

    private static FailureReplay trusting(Class<?>... trusted) {
        return new FailureReplay(List.of(trusted), LOADER);
    }

    private static void assertReplayed(Throwable thrown, String type, String message) {
        assertThat(thrown).isExactlyInstanceOf(IdempotencyReplayedFailureException.class);
        IdempotencyReplayedFailureException replayed = (IdempotencyReplayedFailureException) thrown;
        assertThat(replayed.key()).isEqualTo(KEY);
        assertThat(replayed.originalType()).isEqualTo(type);
        assertThat(replayed.originalMessage()).isEqualTo(message);
        assertThat(replayed.getSuppressed()).isEmpty();
    }

    @Test
    void aTrustedCheckedExceptionIsRebuiltWithItsMessageAndTheReplayMarkerSuppressed() {
        FailureReplay replay = trusting(PaymentDeclinedException.class);

        Throwable rebuilt = replay.rebuild(KEY, new ErrorInfo(PaymentDeclinedException.class.getName(), "card declined"));

        assertThat(rebuilt).isExactlyInstanceOf(PaymentDeclinedException.class).hasMessage("card declined");
        assertThat(rebuilt.getSuppressed()).hasSize(1);
        assertThat(rebuilt.getSuppressed()[0]).isExactlyInstanceOf(IdempotencyReplayedFailureException.class);
        IdempotencyReplayedFailureException marker = (IdempotencyReplayedFailureException) rebuilt.getSuppressed()[0];
        assertThat(marker.key()).isEqualTo(KEY);
        assertThat(marker.originalType()).isEqualTo(PaymentDeclinedException.class.getName());
        assertThat(marker.originalMessage()).isEqualTo("card declined");
        assertThat(marker).hasMessage("replayed failure of key 'payments:evt_1': "
                + PaymentDeclinedException.class.getName() + ": card declined");
    }

    @Test
    void aSubtypeOfATrustedTypeIsRebuiltAsItself() {
        FailureReplay replay = trusting(IOException.class, PaymentDeclinedException.class);

        assertThat(replay.rebuild(KEY, new ErrorInfo("java.io.FileNotFoundException", "/tmp/x")))
                .isExactlyInstanceOf(FileNotFoundException.class).hasMessage("/tmp/x");
        assertThat(replay.rebuild(KEY, new ErrorInfo(CardExpiredException.class.getName(), "expired")))
                .isExactlyInstanceOf(CardExpiredException.class).hasMessage("expired");
    }

    @Test
    void aTrustedRuntimeExceptionIsRebuiltToo() {
        FailureReplay replay = trusting(IllegalStateException.class);

        Throwable rebuilt = replay.rebuild(KEY, new ErrorInfo("java.lang.IllegalStateException", "closed"));

        assertThat(rebuilt).isExactlyInstanceOf(IllegalStateException.class).hasMessage("closed");
        assertThat(rebuilt.getSuppressed()).singleElement().isInstanceOf(IdempotencyReplayedFailureException.class);
    }

    @Test
    void aNullMessageUsesTheStringConstructorWithNull() {
        Throwable rebuilt = trusting(PaymentDeclinedException.class)
                .rebuild(KEY, new ErrorInfo(PaymentDeclinedException.class.getName(), null));

        assertThat(rebuilt).isExactlyInstanceOf(PaymentDeclinedException.class);
        assertThat(rebuilt.getMessage()).isNull();
    }

    @Test
    void aTypeWithOnlyANoArgumentConstructorIsRebuiltOnlyWhenThereIsNoMessageToLose() {
        FailureReplay replay = trusting(NoMessageException.class);

        Throwable withoutMessage = replay.rebuild(KEY, new ErrorInfo(NoMessageException.class.getName(), null));
        Throwable withMessage = replay.rebuild(KEY, new ErrorInfo(NoMessageException.class.getName(), "specific"));

        assertThat(withoutMessage).isExactlyInstanceOf(NoMessageException.class);
        assertReplayed(withMessage, NoMessageException.class.getName(), "specific");
    }

    @Test
    void aClassThatIsNotAThrowableIsNeverCreated() {
        FailureReplay replay = trusting(Exception.class, Throwable.class);

        assertReplayed(replay.rebuild(KEY, new ErrorInfo("java.lang.ProcessBuilder", "calc")),
                "java.lang.ProcessBuilder", "calc");
        assertReplayed(replay.rebuild(KEY, new ErrorInfo("java.lang.Runtime", null)), "java.lang.Runtime", null);
        assertReplayed(replay.rebuild(KEY, new ErrorInfo("[Ljava.lang.String;", "x")), "[Ljava.lang.String;", "x");
        assertReplayed(replay.rebuild(KEY, new ErrorInfo("int", "x")), "int", "x");
    }

    @Test
    void aThrowableOutsideTheTrustedTypesReplaysAsTheReplayException() {
        FailureReplay replay = trusting(IOException.class);

        assertReplayed(replay.rebuild(KEY, new ErrorInfo("java.lang.IllegalStateException", "state")),
                "java.lang.IllegalStateException", "state");
        assertReplayed(replay.rebuild(KEY, new ErrorInfo("java.util.concurrent.TimeoutException", "slow")),
                TimeoutException.class.getName(), "slow");
        assertReplayed(replay.rebuild(KEY, new ErrorInfo("java.lang.Exception", "supertype of a trusted type")),
                "java.lang.Exception", "supertype of a trusted type");
    }

    @Test
    void withNoTrustedTypesEverythingReplaysAsTheReplayException() {
        assertReplayed(trusting().rebuild(KEY, new ErrorInfo("java.io.IOException", "io")), "java.io.IOException", "io");
    }

    @Test
    void anUnknownClassReplaysAsTheReplayException() {
        assertReplayed(trusting(Exception.class).rebuild(KEY, new ErrorInfo("com.example.GoneException", "gone")),
                "com.example.GoneException", "gone");
        assertReplayed(trusting(Exception.class).rebuild(KEY, new ErrorInfo("not a class name!", null)),
                "not a class name!", null);
    }

    @Test
    void anUntrustedClassIsNeverInitialised() {
        assertThat(Flags.POISONED_INITIALISED).as("precondition").isFalse();
        FailureReplay replay = trusting(IOException.class, PaymentDeclinedException.class);

        Throwable thrown = replay.rebuild(KEY, new ErrorInfo(Poisoned.class.getName(), "boom"));

        assertReplayed(thrown, Poisoned.class.getName(), "boom");
        assertThat(Flags.POISONED_INITIALISED).as("the static initialiser of an untrusted class ran").isFalse();
    }

    @Test
    void theInitialisationFlagDoesDetectAnInitialisation() {
        // control for anUntrustedClassIsNeverInitialised: a trusted class is created, so it is initialised
        Throwable rebuilt = trusting(Canary.class).rebuild(KEY, new ErrorInfo(Canary.class.getName(), "tweet"));

        assertThat(rebuilt).isExactlyInstanceOf(Canary.class).hasMessage("tweet");
        assertThat(Flags.CANARY_INITIALISED).isTrue();
    }

    @Test
    void aTrustedClassWhoseInitialiserFailsReplaysAsTheReplayException() {
        FailureReplay replay = trusting(RuntimeException.class);

        Throwable first = replay.rebuild(KEY, new ErrorInfo(FailingInitialiser.class.getName(), "m"));
        Throwable second = replay.rebuild(KEY, new ErrorInfo(FailingInitialiser.class.getName(), "m"));

        assertReplayed(first, FailingInitialiser.class.getName(), "m");
        assertReplayed(second, FailingInitialiser.class.getName(), "m");
    }

    @Test
    void aTrustedTypeThatCannotBeConstructedReplaysAsTheReplayException() {
        FailureReplay replay = trusting(Exception.class);

        assertReplayed(replay.rebuild(KEY, new ErrorInfo(HiddenConstructorException.class.getName(), "hidden")),
                HiddenConstructorException.class.getName(), "hidden");
        assertReplayed(replay.rebuild(KEY, new ErrorInfo(AbstractFailure.class.getName(), "abstract")),
                AbstractFailure.class.getName(), "abstract");
        assertReplayed(replay.rebuild(KEY, new ErrorInfo(ExplodingConstructorException.class.getName(), "explodes")),
                ExplodingConstructorException.class.getName(), "explodes");
    }

    @Test
    void theClassIsLookedUpInTheGivenLoader() throws IOException {
        try (URLClassLoader bootstrapOnly = new URLClassLoader(new URL[0], null)) {
            FailureReplay replay = new FailureReplay(List.of(PaymentDeclinedException.class), bootstrapOnly);

            Throwable thrown = replay.rebuild(KEY, new ErrorInfo(PaymentDeclinedException.class.getName(), "declined"));

            assertReplayed(thrown, PaymentDeclinedException.class.getName(), "declined");
        }
        FailureReplay bootstrap = new FailureReplay(List.of(IOException.class), null);
        assertThat(bootstrap.rebuild(KEY, new ErrorInfo("java.io.IOException", "io")))
                .isExactlyInstanceOf(IOException.class);
    }

    @Test
    void theShortenedMessageIsTheOneRebuilt() {
        String longMessage = "x".repeat(2_000);
        ErrorInfo info = ErrorInfo.of(new PaymentDeclinedException(longMessage));

        Throwable rebuilt = trusting(PaymentDeclinedException.class).rebuild(KEY, info);

        assertThat(rebuilt.getMessage()).hasSize(ErrorInfo.MAX_MESSAGE_LENGTH).endsWith("...");
    }

    @Test
    void theTrustedListIsCopied() {
        List<Class<?>> trusted = new java.util.ArrayList<>(List.of(PaymentDeclinedException.class));
        FailureReplay replay = new FailureReplay(trusted, LOADER);
        trusted.clear();
        trusted.add(Throwable.class);

        assertThat(replay.rebuild(KEY, new ErrorInfo(PaymentDeclinedException.class.getName(), "declined")))
                .isExactlyInstanceOf(PaymentDeclinedException.class);
        assertReplayed(replay.rebuild(KEY, new ErrorInfo("java.lang.IllegalStateException", "not trusted")),
                "java.lang.IllegalStateException", "not trusted");
    }
}
