package dev.idem.agent;

import dev.idem.agent.bootstrap.IdemBridge;
import java.io.IOException;
import java.io.InputStream;
import java.lang.annotation.Annotation;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The class file transformer: methods annotated with {@code @Idempotent} or {@code @Retryable} (matched by
 * annotation name, so the annotation classes are never loaded) and methods named by pointcuts are woven by
 * {@link ClassWeaver} as their classes load. A walk of the constant pool for the annotations' descriptors
 * skips, before any parsing, the classes that cannot match. Started with {@code -javaagent} the transformer is not
 * retransformation-capable, which is much cheaper for the JVM; attached to a running JVM it is, and the
 * classes already loaded are retransformed. Weaving errors are logged and leave the class unwoven.
 * Thread-safe.
 */
final class Weaver implements ClassFileTransformer {

    private static final String IDEMPOTENT = "dev.idem.annotation.Idempotent";
    private static final String RETRYABLE = "dev.idem.annotation.Retryable";
    private static final byte[][] MARKERS = {
        ClassWeaver.IDEMPOTENT.getBytes(StandardCharsets.UTF_8),
        ClassWeaver.RETRYABLE.getBytes(StandardCharsets.UTF_8),
    };

    private final Instrumentation instrumentation;
    private final Module bridge;
    private final Map<String, Set<String>> pointcutMethods = new HashMap<>();
    private final List<String> packages;
    private final boolean rereadRetransformed;
    private final AfterStartup afterStartup;

    private Weaver(Instrumentation instrumentation, Module bridge, List<String> pointcuts, List<String> packages,
            boolean attached, AfterStartup afterStartup) {
        this.instrumentation = instrumentation;
        this.bridge = bridge;
        this.packages = packages;
        this.afterStartup = afterStartup;
        // before Java 19 the bytes a retransformation hands over lack MethodParameters (JDK-8240908), so the
        // class file is read again to keep the parameter names that key expressions use
        this.rereadRetransformed = attached && Runtime.version().feature() < 19;
        for (String pointcut : pointcuts) {
            int hash = pointcut.indexOf('#');
            String method = pointcut.substring(hash + 1);
            int open = method.indexOf('(');
            pointcutMethods.computeIfAbsent(pointcut.substring(0, hash).replace('.', '/'), type -> new HashSet<>())
                    .add(open < 0 ? method : method.substring(0, open));
        }
    }

    /**
     * Registers the transformer. With {@code attached}, it is retransformation-capable and the classes
     * already loaded that declare a method to weave are retransformed, on a background thread.
     *
     * @param pointcuts the pointcuts' methods, as {@code com.x.Billing#charge} or {@code com.x.Billing#charge(int)}
     * @param packages the package prefixes to weave; empty means all
     * @param afterStartup told of every class load and of every woven method that needs JSON
     * @return completes when the classes already loaded are woven (at once without {@code attached})
     */
    static CompletableFuture<Void> install(Instrumentation instrumentation, Class<?> bridge, List<String> pointcuts,
            List<String> packages, boolean attached, AfterStartup afterStartup) {
        Weaver weaver = new Weaver(instrumentation, bridge.getModule(), pointcuts, packages, attached, afterStartup);
        instrumentation.addTransformer(weaver, attached);
        if (!attached) {
            return CompletableFuture.completedFuture(null);
        }
        return CompletableFuture.runAsync(weaver::retransformLoaded, runnable -> {
            Thread thread = new Thread(runnable, "idem-agent-weaver");
            thread.setDaemon(true);
            thread.start();
        });
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
            ProtectionDomain domain, byte[] bytes) {
        afterStartup.classLoading();
        if (className == null || !candidate(className, bytes)) {
            return null;
        }
        try {
            byte[] classFile = redefined != null && rereadRetransformed ? original(loader, className, bytes) : bytes;
            ClassWeaver.Woven woven = ClassWeaver.weave(classFile, pointcutMethods.getOrDefault(className, Set.of()));
            if (woven == null) {
                return null;
            }
            if (module.isNamed() && !module.canRead(bridge)) {
                instrumentation.redefineModule(module, Set.of(bridge), Map.of(), Map.of(), Set.of(), Map.of());
            }
            IdemBridge.markWoven(className.replace('/', '.'));
            if (!woven.plainValues()) {
                afterStartup.jsonNeeded();
            }
            IdemAgent.log().log(System.Logger.Level.DEBUG, "Idem agent: wove {0}", className.replace('/', '.'));
            return woven.classFile();
        } catch (Throwable e) {
            IdemAgent.log().log(System.Logger.Level.ERROR, "Idem agent: cannot weave " + className.replace('/', '.')
                    + "; it runs unwoven", e);
            return null;
        }
    }

    private static byte[] original(ClassLoader loader, String className, byte[] retransformed) throws IOException {
        if (loader == null) {
            return retransformed;
        }
        try (InputStream in = loader.getResourceAsStream(className + ".class")) {
            return in == null ? retransformed : in.readAllBytes();
        }
    }

    private boolean candidate(String internalName, byte[] bytes) {
        if (internalName.startsWith("dev/idem/agent/") || internalName.startsWith("dev/idem/annotation/")
                || internalName.startsWith("java/") || internalName.startsWith("jdk/") || internalName.startsWith("sun/")) {
            return false;
        }
        if (pointcutMethods.containsKey(internalName)) {
            return true;
        }
        return (packages.isEmpty() || included(internalName.replace('/', '.'))) && mentionsAnnotations(bytes);
    }

    private boolean included(String className) {
        for (String prefix : packages) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private void retransformLoaded() {
        List<Class<?>> woven = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (instrumentation.isModifiableClass(type) && declaresWovenMethod(type)) {
                woven.add(type);
            }
        }
        for (Class<?> type : woven) {
            try {
                instrumentation.retransformClasses(type);
            } catch (Throwable e) {
                IdemAgent.log().log(System.Logger.Level.ERROR, "Idem agent: cannot weave the loaded class " + type.getName(), e);
            }
        }
    }

    private boolean declaresWovenMethod(Class<?> type) {
        if (pointcutMethods.containsKey(type.getName().replace('.', '/'))) {
            return true;
        }
        if (type.getClassLoader() == null || type.getName().startsWith("dev.idem.agent.")) {
            return false;
        }
        try {
            for (Method method : type.getDeclaredMethods()) {
                for (Annotation annotation : method.getDeclaredAnnotations()) {
                    String name = annotation.annotationType().getName();
                    if (name.equals(IDEMPOTENT) || name.equals(RETRYABLE)) {
                        return true;
                    }
                }
            }
        } catch (Throwable unlinkable) {
            return false;
        }
        return false;
    }

    /**
     * Whether the class file's constant pool holds one of the annotations' descriptors. Walking the pool
     * compares only the UTF-8 entries of the right length, several times cheaper than scanning every byte,
     * and this runs for every class the application loads. An unknown entry (a newer class file format)
     * answers {@code true}, leaving the decision to the weaver.
     */
    static boolean mentionsAnnotations(byte[] classFile) {
        try {
            int count = u2(classFile, 8);
            int at = 10;
            for (int index = 1; index < count; index++) {
                switch (classFile[at]) {
                    case 1:
                        int length = u2(classFile, at + 1);
                        for (byte[] marker : MARKERS) {
                            if (length == marker.length && equal(classFile, at + 3, marker)) {
                                return true;
                            }
                        }
                        at += 3 + length;
                        break;
                    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18:
                        at += 5;
                        break;
                    case 5: case 6:
                        at += 9;
                        index++;
                        break;
                    case 7: case 8: case 16: case 19: case 20:
                        at += 3;
                        break;
                    case 15:
                        at += 4;
                        break;
                    default:
                        return true;
                }
            }
            return false;
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return false;
        }
    }

    private static int u2(byte[] bytes, int at) {
        return (bytes[at] & 0xFF) << 8 | bytes[at + 1] & 0xFF;
    }

    private static boolean equal(byte[] bytes, int at, byte[] marker) {
        for (int i = 0; i < marker.length; i++) {
            if (bytes[at + i] != marker[i]) {
                return false;
            }
        }
        return true;
    }
}
