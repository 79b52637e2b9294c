package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.annotation.IdempotencyKey;
import dev.idem.annotation.Idempotent;
import dev.idem.annotation.OnFailure;
import dev.idem.annotation.Retryable;
import dev.idem.store.InMemoryStore;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Annotations are read by type name: a class compiled against idem-annotations but loaded with its own
 * copy of them (an application that bundles the jar while the agent's copy is on the bootstrap class
 * path) is registered exactly like one that shares the engine's copy.
 */
class ForeignAnnotationsTest {

    /** Loaded a second time, with its own copy of the annotations, by the class loader below. */
    public static final class Service {
        @Idempotent(name = "foreign", ttl = "5m", onFailure = OnFailure.REMEMBER, rememberOn = IllegalStateException.class)
        @Retryable(maxAttempts = 4, delay = "10ms")
        public String handle(@IdempotencyKey String id) {
            return "handled " + id;
        }
    }

    @Test
    void annotationsOfAnotherClassLoadersCopyAreReadByName() throws Throwable {
        URL annotations = Path.of("../annotations/target/classes").toUri().toURL();
        URL tests = Path.of("target/test-classes").toUri().toURL();
        try (URLClassLoader foreign = new URLClassLoader(new URL[] {annotations, tests}, ClassLoader.getPlatformClassLoader());
             Idem idem = Idem.builder().store(new InMemoryStore()).build()) {
            Class<?> service = foreign.loadClass(Service.class.getName());
            Method handle = service.getMethod("handle", String.class);
            assertThat(handle.getDeclaredAnnotations()[0].annotationType()).isNotSameAs(Idempotent.class);

            IdempotentMethod method = idem.method(handle);
            Object target = service.getConstructor().newInstance();
            Object first = method.invoke(target, new Object[] {"k1"}, () -> handle.invoke(target, "k1"));

            assertThat(first).isEqualTo("handled k1");
            assertThat(method.namespace()).isEqualTo("foreign");
            assertThat(method.idempotency().ttl()).hasMinutes(5);
            assertThat(method.idempotency().onFailure()).isEqualTo(OnFailure.REMEMBER);
            assertThat(method.idempotency().rememberOn()).containsExactly(IllegalStateException.class);
            assertThat(method.retry().maxAttempts()).isEqualTo(4);
            assertThat(idem.audit().find("foreign", "k1")).isPresent();
        }
    }
}
