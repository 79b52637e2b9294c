package dev.idem.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idem.agent.bootstrap.Dispatcher;
import dev.idem.agent.bootstrap.IdemBridge;
import dev.idem.agent.woven.Declarations;
import dev.idem.agent.woven.Service;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ClassWeaverTest {

    private final Engine engine = new Engine();

    @BeforeEach
    void installEngine() {
        IdemBridge.install(engine);
    }

    @Test
    void bodiesRunOnceAndTheirResultsReturnThroughTheEngine() throws Throwable {
        Object service = woven(Set.of());

        assertThat(call(service, "count", "k")).isEqualTo(2);
        assertThat(call(service, "sum", "k", 1L, 2.5, 3)).isEqualTo(6L);
        assertThat(call(service, "name", "k")).isEqualTo("body");
        assertThat(call(service, "array", "k")).isEqualTo(new int[] {1, 2});
        assertThat(call(service, "touch", "k")).isNull();
        assertThat(call(service, "flag", true)).isEqualTo(false);
        assertThat(call(service, "letter", 'a')).isEqualTo('b');
        assertThat(call(service, "small", (byte) 1)).isEqualTo((byte) 2);
        assertThat(call(service, "medium", (short) 1)).isEqualTo((short) 2);
        assertThat(call(service, "ratio", 3f)).isEqualTo(1.5f);
        assertThat(call(service, "precise", 1.5)).isEqualTo(3.0);

        assertThat(runs(service)).containsExactly("constructor", "count", "sum", "name", "array", "touch", "flag", "letter",
                "small", "medium", "ratio", "precise");
        assertThat(engine.attempts).containsExactly(2, 6L, "body", engine.attempts.get(3), null, false, 'b', (byte) 2,
                (short) 2, 1.5f, 3.0);
    }

    @Test
    void theEngineSeesTheClassTheMethodTheTargetAndTheBoxedArguments() throws Throwable {
        Object service = woven(Set.of());

        call(service, "sum", "k", 1L, 2.5, 3);

        assertThat(engine.begun).containsExactly("sum(Ljava/lang/String;JDI)J");
        assertThat(engine.type).isSameAs(service.getClass());
        assertThat(engine.target).isSameAs(service);
        assertThat(engine.args).containsExactly("k", 1L, 2.5, 3);
    }

    @Test
    void aReplayedCallSkipsTheBodyAndReturnsTheStoredResultPrimitivesAndNullIncluded() throws Throwable {
        Object service = woven(Set.of());

        assertThat(replaying(42, () -> call(service, "count", "k"))).isEqualTo(42);
        assertThat(replaying(7L, () -> call(service, "sum", "k", 1L, 2.5, 3))).isEqualTo(7L);
        assertThat(replaying(null, () -> call(service, "name", "k"))).isNull();
        assertThat(replaying("stored", () -> call(service, "name", "k"))).isEqualTo("stored");
        assertThat(replaying(null, () -> call(service, "array", "k"))).isNull();
        assertThat(replaying(null, () -> call(service, "touch", "k"))).isNull();
        assertThat(replaying(true, () -> call(service, "flag", true))).isEqualTo(true);
        assertThat(replaying('z', () -> call(service, "letter", 'a'))).isEqualTo('z');
        assertThat(replaying((byte) 9, () -> call(service, "small", (byte) 1))).isEqualTo((byte) 9);
        assertThat(replaying((short) 9, () -> call(service, "medium", (short) 1))).isEqualTo((short) 9);
        assertThat(replaying(2.5f, () -> call(service, "ratio", 3f))).isEqualTo(2.5f);
        assertThat(replaying(9.5, () -> call(service, "precise", 1.5))).isEqualTo(9.5);

        assertThat(runs(service)).containsExactly("constructor");
        assertThat(engine.attempts).isEmpty();
    }

    @Test
    void theBodyRepeatsWhileTheEngineAsksForARetry() throws Throwable {
        Object service = woven(Set.of());
        engine.retries = 2;

        assertThat(call(service, "flaky", 2)).isEqualTo("ok after 3");

        assertThat(runs(service)).containsExactly("constructor", "flaky", "flaky", "flaky");
        assertThat(engine.attempts).hasSize(3);
        assertThat(engine.attempts.get(0)).isInstanceOf(IllegalStateException.class).hasToString(
                "java.lang.IllegalStateException: attempt 1");
        assertThat(engine.attempts.get(2)).isEqualTo("ok after 3");
    }

    @Test
    void eachAttemptStartsFromTheArgumentsOfTheCallEvenIfTheBodyAssignedToItsParameters() throws Throwable {
        Object service = woven(Set.of());
        engine.retries = 2;

        assertThat(call(service, "reassigns", "a", 0L, 2)).isEqualTo("ax1");

        assertThat(runs(service)).containsExactly("constructor", "reassigns", "reassigns", "reassigns");
    }

    @Test
    void whatTheBodyThrowsReachesTheCallerThroughTheEngine() throws Throwable {
        Object service = woven(Set.of());

        assertThatThrownBy(() -> call(service, "flaky", 5)).isInstanceOf(IllegalStateException.class)
                .hasMessage("attempt 1");
        assertThat(engine.attempts).hasSize(1);
    }

    @Test
    void whatTheEngineThrowsReachesTheCallerInsteadOfTheResult() throws Throwable {
        Object service = woven(Set.of());
        engine.failure = new IllegalArgumentException("refused by the engine");

        assertThatThrownBy(() -> call(service, "count", "k")).isSameAs(engine.failure);
        assertThatThrownBy(() -> call(service, "touch", "k")).isSameAs(engine.failure);
        assertThat(runs(service)).containsExactly("constructor", "count", "touch");
    }

    @Test
    void whatBeginThrowsReachesTheCallerAndTheBodyDoesNotRun() throws Throwable {
        Object service = woven(Set.of());
        engine.refusal = new IllegalStateException("conflict");

        assertThatThrownBy(() -> call(service, "count", "k")).isSameAs(engine.refusal);
        assertThat(runs(service)).containsExactly("constructor");
        assertThat(engine.attempts).isEmpty();
    }

    @Test
    void bodiesWithLoopsHandlersAndEarlyReturnsKeepTheirBehaviourAlsoWhenRepeated() throws Throwable {
        Object service = woven(Set.of());

        assertThat(call(service, "branches", 5)).isEqualTo(108);
        assertThat(call(service, "branches", -1)).isEqualTo(-1);
        assertThat(call(service, "countdown", 3)).isEqualTo(0);
        engine.retries = 1;
        assertThat(call(service, "branches", 5)).isEqualTo(108);

        assertThat(runs(service)).containsExactly("constructor", "branches", "branches", "countdown", "branches",
                "branches");
    }

    @Test
    void staticMethodsAreWovenWithoutATarget() throws Throwable {
        Object service = woven(Set.of());

        Method echo = service.getClass().getMethod("echo", String.class);
        assertThat(echo.invoke(null, "x")).isEqualTo("echo x");

        assertThat(engine.begun).containsExactly("echo(Ljava/lang/String;)Ljava/lang/String;");
        assertThat(engine.target).isNull();
    }

    @Test
    void constructorsAreNotWoven() throws Throwable {
        Object service = woven(Set.of("<init>"));

        assertThat(runs(service)).containsExactly("constructor");
        assertThat(engine.begun).isEmpty();
    }

    @Test
    void pointcutsWeaveMethodsByNameWithoutAnnotations() throws Throwable {
        Object service = woven(Set.of("plain"));

        assertThat(replaying("stored", () -> call(service, "plain", "v"))).isEqualTo("stored");
        assertThat(call(service, "untouched", "v")).isEqualTo("v");

        assertThat(engine.begun).containsExactly("plain(Ljava/lang/String;)Ljava/lang/String;");
        assertThat(runs(service)).containsExactly("constructor", "untouched");
    }

    @Test
    void methodsWithoutABodyAndClassesWithoutMatchesAreLeftAlone() {
        assertThat(ClassWeaver.weave(classFile(Declarations.Contract.class), Set.of("charge"))).isNull();
        assertThat(ClassWeaver.weave(classFile(Declarations.Base.class), Set.of("charge"))).isNull();
        assertThat(ClassWeaver.weave(classFile(AgentArguments.class), Set.of())).isNull();
    }

    @Test
    void aClassWhoseWovenMethodsTakeAndReturnOnlyStringsWholeNumbersAndBooleansIsMarkedPlain() {
        assertThat(ClassWeaver.weave(classFile(PlainHandler.class), Set.of()).plainValues()).isTrue();
        assertThat(ClassWeaver.weave(classFile(Service.class), Set.of()).plainValues()).isFalse();
        assertThat(ClassWeaver.weave(classFile(PlainHandler.class), Set.of("receipt")).plainValues()).isFalse();
    }

    /** Woven methods with plain values only, unless a pointcut adds {@code receipt}. */
    static final class PlainHandler {
        @Idempotent(key = "#id")
        public int handle(String id, long cents, Boolean live) {
            return live ? (int) cents : 0;
        }

        @Retryable
        public void settle(Integer batch) {
            java.util.Objects.requireNonNull(batch);
        }

        public java.time.Instant receipt(String id) {
            return java.time.Instant.EPOCH;
        }
    }

    private static Object woven(Set<String> pointcutMethods) throws ReflectiveOperationException {
        return new WeavingLoader(pointcutMethods).loadClass(Service.class.getName()).getConstructor().newInstance();
    }

    private static Object call(Object target, String name, Object... args) throws Throwable {
        for (Method method : target.getClass().getMethods()) {
            if (method.getName().equals(name)) {
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            }
        }
        throw new NoSuchMethodException(name);
    }

    @SuppressWarnings("unchecked")
    private static List<String> runs(Object service) throws ReflectiveOperationException {
        return (List<String>) service.getClass().getField("runs").get(service);
    }

    private Object replaying(Object stored, Call call) throws Throwable {
        engine.replay = true;
        engine.stored = stored;
        try {
            return call.run();
        } finally {
            engine.replay = false;
        }
    }

    private static byte[] classFile(Class<?> type) {
        try (InputStream in = type.getClassLoader().getResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A call of a woven method. */
    private interface Call {
        Object run() throws Throwable;
    }

    /** Loads {@link Service} woven, in a loader of its own; everything else from the test's loader. */
    private static final class WeavingLoader extends ClassLoader {
        private final Set<String> pointcutMethods;

        WeavingLoader(Set<String> pointcutMethods) {
            super(ClassWeaverTest.class.getClassLoader());
            this.pointcutMethods = pointcutMethods;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(Service.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    byte[] original = classFile(Service.class);
                    byte[] woven = ClassWeaver.weave(original, pointcutMethods).classFile();
                    loaded = defineClass(name, woven, 0, woven.length);
                }
                return loaded;
            }
        }
    }

    /** A dispatcher that records what woven code asks and answers as each test sets it up. */
    private static final class Engine implements Dispatcher {
        final List<String> begun = new ArrayList<>();
        final List<Object> attempts = new ArrayList<>();
        Class<?> type;
        Object target;
        Object[] args;
        boolean replay;
        Object stored;
        int retries;
        Throwable refusal;
        Throwable failure;
        private Object lastReturned;
        private Throwable lastThrown;

        @Override
        public Object begin(Class<?> type, String method, Object target, Object[] args) throws Throwable {
            if (refusal != null) {
                throw refusal;
            }
            begun.add(method);
            this.type = type;
            this.target = target;
            this.args = args;
            return new Object();
        }

        @Override
        public boolean proceed(Object call) {
            return !replay;
        }

        @Override
        public boolean afterAttempt(Object call, Object returned, Throwable thrown) {
            if (replay) {
                return false;
            }
            attempts.add(thrown != null ? thrown : returned);
            lastReturned = returned;
            lastThrown = thrown;
            return retries-- > 0;
        }

        @Override
        public Object result(Object call) throws Throwable {
            if (replay) {
                return stored;
            }
            if (failure != null) {
                throw failure;
            }
            if (lastThrown != null) {
                throw lastThrown;
            }
            return lastReturned;
        }

        @Override
        public void prepareJson() {
            throw new AssertionError("woven code never asks for JSON");
        }
    }
}
