package dev.idem.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Unpacks the jars nested in idem-agent.jar once (into a per-user cache directory keyed by the agent's
 * version and file), puts the bootstrap bridge and the annotations on the bootstrap class path, and loads
 * the engine with its libraries in a class loader of its own whose parent is the platform loader, so that
 * none of them can clash with the application's classes.
 */
final class EngineLoader {

    private static final String BOOTSTRAP = "idem/bootstrap/";
    private static final String ENGINE = "idem/engine/";
    private static final String ENGINE_CLASS = "dev.idem.agent.engine.AgentEngine";
    private static final String COMPLETE = ".complete";
    /**
     * The engine's class loader searches its jars in order, opening each on the way. The engine's own jars
     * and Jackson's, which every start loads classes from, come first, so the jars of the stores that are
     * not used (H2, the PostgreSQL and MariaDB drivers, Lettuce, Netty, Kafka) are never opened for them.
     */
    private static final Comparator<String> STARTUP_FIRST = new Comparator<>() {
        @Override
        public int compare(String one, String other) {
            int byRank = Integer.compare(rank(one), rank(other));
            return byRank != 0 ? byRank : one.compareTo(other);
        }

        private int rank(String jar) {
            return jar.startsWith("idem-") ? 0 : jar.startsWith("jackson-") ? 1 : 2;
        }
    };

    private EngineLoader() {
    }

    /** The engine object (the bridge's dispatcher), configured (not yet started) with the settings sources. */
    static Object configure(Instrumentation instrumentation, Map<String, String> agentArguments, Map<String, String> file)
            throws IOException {
        Path unpacked = unpack(agentJar());
        for (Path jar : jars(unpacked.resolve(BOOTSTRAP), Comparator.naturalOrder())) {
            instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
        }
        List<URL> engineJars = new ArrayList<>();
        for (Path jar : jars(unpacked.resolve(ENGINE), STARTUP_FIRST)) {
            engineJars.add(jar.toUri().toURL());
        }
        URLClassLoader loader = new URLClassLoader("idem-engine", engineJars.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader());
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            return loader.loadClass(ENGINE_CLASS)
                    .getMethod("configure", Map.class, Map.class, Map.class, Map.class)
                    .invoke(null, agentArguments, file, System.getenv(), idemSystemProperties());
        } catch (InvocationTargetException e) {
            throw rethrow(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("the agent jar is damaged: " + e, e);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    /**
     * The jars in {@code directory}, in {@code order} of their names. Plain loops here and on the rest of
     * the startup path: linking the first lambda or stream costs the application's main thread tens of ms.
     */
    private static List<Path> jars(Path directory, Comparator<String> order) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
            for (Path entry : entries) {
                names.add(entry.getFileName().toString());
            }
        }
        names.sort(order);
        List<Path> jars = new ArrayList<>(names.size());
        for (String name : names) {
            jars.add(directory.resolve(name));
        }
        return jars;
    }

    private static Map<String, String> idemSystemProperties() {
        Map<String, String> properties = new java.util.TreeMap<>();
        for (Map.Entry<Object, Object> property : System.getProperties().entrySet()) {
            if (property.getKey() instanceof String && ((String) property.getKey()).startsWith("idem.")) {
                properties.put((String) property.getKey(), String.valueOf(property.getValue()));
            }
        }
        return properties;
    }

    static Path agentJar() {
        try {
            return Path.of(EngineLoader.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot find the agent's own jar", e);
        }
    }

    private static Path unpack(Path agentJar) throws IOException {
        String user = safeName(System.getProperty("user.name", "user"));
        Path cache = Path.of(System.getProperty("java.io.tmpdir"), "idem-agent-" + user);
        createPrivateDirectory(cache);
        String version = String.valueOf(EngineLoader.class.getPackage().getImplementationVersion());
        Path target = cache.resolve(version + "-" + Files.size(agentJar) + "-"
                + Files.getLastModifiedTime(agentJar).toMillis());
        if (Files.exists(target.resolve(COMPLETE))) {
            return target;
        }
        Path staging = Files.createTempDirectory(cache, "unpacking-");
        try (JarFile jar = new JarFile(agentJar.toFile())) {
            Enumeration<JarEntry> entries = jar.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!entry.isDirectory() && (name.startsWith(BOOTSTRAP) || name.startsWith(ENGINE)) && name.endsWith(".jar")) {
                    Path out = staging.resolve(name).normalize();
                    if (!out.startsWith(staging)) {
                        throw new IOException("bad entry in the agent jar: " + name);
                    }
                    Files.createDirectories(out.getParent());
                    try (InputStream in = jar.getInputStream(entry)) {
                        Files.copy(in, out);
                    }
                }
            }
        }
        Files.createFile(staging.resolve(COMPLETE));
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException raced) {
            deleteTree(staging);
            if (!Files.exists(target.resolve(COMPLETE))) {
                throw new IOException("cannot unpack the agent into " + target, raced);
            }
        }
        return target;
    }

    /** {@code name} with every character but letters, digits, {@code _}, {@code .} and {@code -} made {@code _}. */
    private static String safeName(String name) {
        StringBuilder safe = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean kept = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.'
                    || c == '-';
            safe.append(kept ? c : '_');
        }
        return safe.toString();
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            try {
                Files.createDirectories(directory);
                if (Files.getFileStore(directory).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
                }
            } catch (FileAlreadyExistsException raced) {
                // another JVM created it
            }
        }
        if (Files.getFileStore(directory).supportsFileAttributeView("posix")
                && !Files.getOwner(directory).getName().equals(System.getProperty("user.name"))) {
            throw new IOException(directory + " belongs to another user; the agent will not load code from it");
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException ignored) {
            // a leftover staging directory is harmless
        }
    }

    private static RuntimeException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException) {
            return (RuntimeException) cause;
        }
        if (cause instanceof Error) {
            throw (Error) cause;
        }
        return new IllegalStateException(cause);
    }
}
