package dev.idem.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * The floor of any load-time weaving agent, for {@link AgentStartupBenchmark}: a javaagent with the Idem agent's
 * manifest capabilities that registers one {@link ClassFileTransformer} which changes nothing, the way the Idem
 * agent registers its own under {@code -javaagent} (not retransformation-capable; a retransformation-capable
 * transformer costs the JVM more, as the JVM then keeps every class's original bytes). What it costs is what
 * the JVM charges for handing every class to such a transformer; no agent that weaves at load time can start
 * faster. Thread-safe.
 */
public final class FloorAgent {

    private FloorAgent() {
    }

    /** Registers the transformer that changes nothing. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        instrumentation.addTransformer(new Unchanged(), false);
    }

    /** Writes this agent as a jar of its own into {@code directory}; returns the jar. */
    static Path writeJar(Path directory) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", FloorAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Redefine-Classes", "true");
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        Path jar = directory.resolve("floor-agent.jar");
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Class<?> type : new Class<?>[] {FloorAgent.class, Unchanged.class}) {
                String entry = type.getName().replace('.', '/') + ".class";
                out.putNextEntry(new JarEntry(entry));
                try (InputStream in = FloorAgent.class.getClassLoader().getResourceAsStream(entry)) {
                    in.transferTo(out);
                }
                out.closeEntry();
            }
        }
        return jar;
    }

    private static final class Unchanged implements ClassFileTransformer {
        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                byte[] bytes) {
            return null;
        }
    }
}
