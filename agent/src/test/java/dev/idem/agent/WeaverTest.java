package dev.idem.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.agent.woven.Declarations;
import dev.idem.agent.woven.Service;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class WeaverTest {

    @Test
    void classesThatUseTheAnnotationsAreCandidates() {
        assertThat(Weaver.mentionsAnnotations(classFile(Service.class))).isTrue();
        assertThat(Weaver.mentionsAnnotations(classFile(Declarations.Contract.class))).isTrue();
    }

    @Test
    void classesThatDoNotAreNotEvenWithLongAndDoubleConstants() {
        assertThat(Weaver.mentionsAnnotations(classFile(AgentArguments.class))).isFalse();
        assertThat(Weaver.mentionsAnnotations(classFile(Long.class))).isFalse();
        assertThat(Weaver.mentionsAnnotations(classFile(Math.class))).isFalse();
    }

    @Test
    void aTruncatedClassFileIsNotACandidate() {
        byte[] whole = classFile(Service.class);
        byte[] truncated = new byte[40];
        System.arraycopy(whole, 0, truncated, 0, truncated.length);

        assertThat(Weaver.mentionsAnnotations(truncated)).isFalse();
    }

    private static byte[] classFile(Class<?> type) {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(type.getName().replace('.', '/') + ".class")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
