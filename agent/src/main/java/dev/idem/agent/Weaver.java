package dev.idem.agent;

import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isMethod;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * Installs the weaving: methods annotated with {@code @Idempotent} or {@code @Retryable} (matched by
 * annotation name, so the annotation classes are never loaded) and methods named by pointcuts get
 * {@link IdemAdvice}. The annotations' class files are read from the agent's own copy, because class
 * files appended to the bootstrap search path are not visible as resources. A cheap filter looks for the annotations' names in each class file before ByteBuddy
 * parses it, so classes that cannot match cost a byte scan. When attached to a running JVM, the classes
 * already loaded are retransformed.
 */
final class Weaver {

    private static final String IDEMPOTENT = "dev.idem.annotation.Idempotent";
    private static final String RETRYABLE = "dev.idem.annotation.Retryable";
    private static final long READY_TIMEOUT_SECONDS = 60;
    private static final byte[][] MARKERS = {
        ("L" + IDEMPOTENT.replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8),
        ("L" + RETRYABLE.replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8),
    };

    private final Set<String> pointcutClasses = new HashSet<>();
    private final List<String> pointcutMethods;
    private final List<String> packages;

    private Weaver(List<String> pointcutMethods, List<String> packages) {
        this.pointcutMethods = pointcutMethods;
        this.packages = packages;
        for (String pointcut : pointcutMethods) {
            pointcutClasses.add(pointcut.substring(0, pointcut.indexOf('#')).replace('.', '/'));
        }
    }

    /** The methods to weave; built on the background thread, with ByteBuddy. */
    private ElementMatcher.Junction<MethodDescription> methods() {
        ElementMatcher.Junction<MethodDescription> configured = none();
        for (String pointcut : pointcutMethods) {
            int hash = pointcut.indexOf('#');
            String method = pointcut.substring(hash + 1);
            int open = method.indexOf('(');
            configured = configured.or(ElementMatchers.<MethodDescription>isDeclaredBy(named(pointcut.substring(0, hash)))
                    .and(named(open < 0 ? method : method.substring(0, open))));
        }
        return isMethod().and(not(isAbstract())).and(not(isNative()))
                .and(isAnnotatedWith(named(IDEMPOTENT)).or(isAnnotatedWith(named(RETRYABLE))).or(configured));
    }

    /**
     * Registers the weaving transformer at once, and builds ByteBuddy on a background thread; a class that
     * needs weaving before ByteBuddy is ready waits for it. With {@code attached}, the classes already
     * loaded are woven too.
     *
     * @return completes when ByteBuddy is ready (exceptionally if it could not be built)
     */
    static CompletableFuture<Void> install(Instrumentation instrumentation, Class<?> bridge, Path annotationsJar,
            List<String> pointcutMethods, List<String> packages, boolean attached) {
        Weaver weaver = new Weaver(pointcutMethods, packages);
        CompletableFuture<ClassFileTransformer> byteBuddy = new CompletableFuture<>();
        ClassFileTransformer filtered = new ClassFileTransformer() {
            @Override
            public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                    byte[] bytes) throws IllegalClassFormatException {
                if (className == null || !weaver.candidate(className, bytes)) {
                    return null;
                }
                ClassFileTransformer ready;
                try {
                    ready = byteBuddy.get(READY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                } catch (ExecutionException | TimeoutException e) {
                    IdemAgent.log().log(System.Logger.Level.ERROR, "Idem agent: cannot weave " + className.replace('/', '.')
                            + "; it runs unwoven", e);
                    return null;
                }
                return ready.transform(loader, className, redefined, domain, bytes);
            }
        };
        instrumentation.addTransformer(filtered, true);
        return CompletableFuture.runAsync(() -> {
            try {
                byteBuddy.complete(weaver.byteBuddy(instrumentation, bridge, annotationsJar, attached));
            } catch (IOException | RuntimeException e) {
                byteBuddy.completeExceptionally(e);
                throw new IllegalStateException("cannot build the weaver", e);
            }
            if (attached) {
                weaver.retransformLoaded(instrumentation);
            }
        }, runnable -> {
            Thread thread = new Thread(runnable, "idem-agent-weaver");
            thread.setDaemon(true);
            thread.start();
        });
    }

    private ClassFileTransformer byteBuddy(Instrumentation instrumentation, Class<?> bridge, Path annotationsJar,
            boolean attached) throws IOException {
        ElementMatcher.Junction<MethodDescription> methods = methods();
        return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .assureReadEdgeTo(instrumentation, bridge)
                .with(AgentBuilder.LocationStrategy.ForClassLoader.STRONG
                        .withFallbackTo(ClassFileLocator.ForJarFile.of(annotationsJar.toFile())))
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.TypeStrategy.Default.DECORATE)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(attached && Runtime.version().feature() < 19
                        // before Java 19 the bytes a retransformation hands over lack MethodParameters
                        // (JDK-8240908), so the class file is read again to keep the parameter names
                        ? AgentBuilder.ClassFileBufferStrategy.Default.DISCARDING
                        : AgentBuilder.ClassFileBufferStrategy.Default.RETAINING)
                .with(new Logging())
                .ignore(none())
                .type(ElementMatchers.<TypeDescription>any())
                .transform((builder, type, loader, module, domain) -> builder.visit(Advice.to(IdemAdvice.class).on(methods)))
                .makeRaw();
    }

    private boolean candidate(String internalName, byte[] bytes) {
        if (internalName.startsWith("dev/idem/agent/") || internalName.startsWith("dev/idem/annotation/")
                || internalName.startsWith("java/") || internalName.startsWith("jdk/") || internalName.startsWith("sun/")) {
            return false;
        }
        if (pointcutClasses.contains(internalName)) {
            return true;
        }
        if (!packages.isEmpty() && packages.stream().noneMatch(prefix -> internalName.replace('/', '.').startsWith(prefix))) {
            return false;
        }
        for (byte[] marker : MARKERS) {
            if (contains(bytes, marker)) {
                return true;
            }
        }
        return false;
    }

    private void retransformLoaded(Instrumentation instrumentation) {
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
        String internalName = type.getName().replace('.', '/');
        if (pointcutClasses.contains(internalName)) {
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

    private static boolean contains(byte[] bytes, byte[] marker) {
        byte first = marker[0];
        int last = bytes.length - marker.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (bytes[i] != first) {
                continue;
            }
            for (int j = 1; j < marker.length; j++) {
                if (bytes[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Logs what was woven, and weaving errors, instead of letting them pass silently. */
    private static final class Logging extends AgentBuilder.Listener.Adapter {
        @Override
        public void onTransformation(TypeDescription type, ClassLoader loader, net.bytebuddy.utility.JavaModule module,
                boolean loaded, net.bytebuddy.dynamic.DynamicType dynamicType) {
            dev.idem.agent.bootstrap.IdemBridge.markWoven(type.getName());
            IdemAgent.log().log(System.Logger.Level.DEBUG, "Idem agent: wove {0}", type.getName());
        }

        @Override
        public void onError(String typeName, ClassLoader loader, net.bytebuddy.utility.JavaModule module, boolean loaded,
                Throwable error) {
            IdemAgent.log().log(System.Logger.Level.ERROR, "Idem agent: cannot weave " + typeName + "; it runs unwoven", error);
        }
    }
}
