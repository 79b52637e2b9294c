package dev.idem.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepsTest {

    /** Records the steps it is asked for and runs them. */
    static final class Recording implements Steps.Recorder {
        final List<String> names = new ArrayList<>();
        final List<Type> types = new ArrayList<>();

        @Override
        public <T, E extends Exception> T step(String name, Type type, ThrowingSupplier<T, E> body) throws E {
            names.add(name);
            types.add(type);
            return body.get();
        }
    }

    @Test
    void stepsGoToTheRecorderBoundToTheThreadAndNestedCallsRestoreTheOuterOne() {
        Recording outer = new Recording();
        Recording inner = new Recording();
        Steps.Recorder none = Steps.bind(outer);
        try {
            assertThat(Steps.active()).isTrue();
            assertThat(Steps.run("a", String.class, () -> "x")).isEqualTo("x");
            Steps.Recorder previous = Steps.bind(inner);
            Steps.run("b", () -> { });
            Steps.restore(previous);
            Steps.run("c", new TypeRef<Map<String, List<Integer>>>() { }, Map::of);
        } finally {
            Steps.restore(none);
        }

        assertThat(none).isNull();
        assertThat(Steps.active()).isFalse();
        assertThat(outer.names).containsExactly("a", "c");
        assertThat(inner.names).containsExactly("b");
        assertThat(inner.types).containsExactly(Void.class);
        assertThat(outer.types.get(1).getTypeName()).isEqualTo("java.util.Map<java.lang.String, java.util.List<java.lang.Integer>>");
    }

    @Test
    void checkedExceptionsOfAStepReachTheCallerUnwrapped() {
        Steps.Recorder previous = Steps.bind(new Recording());
        try {
            assertThatThrownBy(() -> Steps.run("io", String.class, () -> {
                throw new IOException("disk full");
            })).isInstanceOf(IOException.class).hasMessage("disk full");
        } finally {
            Steps.restore(previous);
        }
    }

    @Test
    void aStepWithoutACallIsRefused() {
        assertThatThrownBy(() -> Steps.run("lonely", () -> { }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Steps.run(\"lonely\")");
    }

    @Test
    @SuppressWarnings("rawtypes")
    void aTypeRefWithoutATypeArgumentIsRefused() {
        assertThatThrownBy(() -> new TypeRef() { })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("new TypeRef<List<Receipt>>() {}");
        assertThat(new TypeRef<List<String>>() { }.toString()).isEqualTo("TypeRef<java.util.List<java.lang.String>>");
    }

    @Test
    void exceptionsCarryTheirKeyAndDetails() {
        IdempotencyInProgressException inProgress = new IdempotencyInProgressException("ns:k", null, "busy");
        IdempotencyDeadException dead = new IdempotencyDeadException("ns:k", "java.io.IOException", "down", "dead", null);
        IdempotencyReplayedFailureException replayed = new IdempotencyReplayedFailureException("ns:k",
                "com.example.Declined", "no funds");

        assertThat(inProgress.key()).isEqualTo("ns:k");
        assertThat(inProgress).isInstanceOf(IdempotencyException.class).isInstanceOf(RuntimeException.class);
        assertThat(dead.lastErrorType()).isEqualTo("java.io.IOException");
        assertThat(replayed).hasMessage("replayed failure of key 'ns:k': com.example.Declined: no funds");
        assertThat(new IdempotencyStoreUnavailableException(null, "down", null))
                .isInstanceOf(IdempotencyStoreException.class);
    }
}
