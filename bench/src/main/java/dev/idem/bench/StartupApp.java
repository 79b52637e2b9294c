package dev.idem.bench;

import dev.idem.annotation.Idempotent;
import java.io.File;
import java.time.Duration;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The application of the agent startup benchmark: loads every class of the jar it runs from (well over
 * 5,000: Jackson, Netty, Lettuce, H2, the PostgreSQL driver, ...), as a large service does while it starts,
 * then makes one idempotent call twice, prints the first call's time and the CPU time the process has used
 * (all its threads, the JIT and the collector included), and exits. Run by {@link AgentStartupBenchmark}.
 */
public final class StartupApp {

    private StartupApp() {
    }

    /** A handler the agent weaves. */
    public static final class Handler {
        private int runs;

        /** Counts its runs; a duplicate does not run. */
        @Idempotent(key = "#id")
        public int handle(String id) {
            return ++runs;
        }
    }

    /** Loads the classes, calls the handler twice, prints a summary line with the first call's time. */
    public static void main(String[] args) throws Exception {
        File jar = new File(StartupApp.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ClassLoader loader = StartupApp.class.getClassLoader();
        int loaded = 0;
        try (JarFile file = new JarFile(jar)) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.endsWith(".class") && !name.contains("-") && !name.startsWith("META-INF")) {
                    try {
                        Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false, loader);
                        loaded++;
                    } catch (ClassNotFoundException | LinkageError optionalDependencyMissing) {
                        // some classes need optional libraries that are not on the class path
                    }
                }
            }
        }
        Handler handler = new Handler();
        String key = "startup-" + ProcessHandle.current().pid();
        long start = System.nanoTime();
        int first = handler.handle(key);
        long firstCallMicros = (System.nanoTime() - start) / 1000;
        int second = handler.handle(key);
        long cpuMillis = ProcessHandle.current().info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
        System.out.println("loaded " + loaded + " classes; handle ran " + first + " then " + second + "; first call "
                + firstCallMicros + " us; cpu " + cpuMillis + " ms");
    }
}
