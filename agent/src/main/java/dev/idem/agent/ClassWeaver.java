package dev.idem.agent;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Weaves one class file with plain ASM: every method with a body (not a constructor or static
 * initializer, not abstract or native) that is annotated with {@code @Idempotent} or {@code @Retryable}
 * (matched by descriptor, so the annotation classes are never loaded), or whose name a pointcut gives
 * for this class, is rewritten by {@link WovenMethod}. Two passes: the first finds those methods and how
 * many locals each uses, the second rewrites them and copies everything else. No class is loaded to do
 * it. Thread-safe (stateless).
 */
final class ClassWeaver {

    static final String IDEMPOTENT = "Ldev/idem/annotation/Idempotent;";
    static final String RETRYABLE = "Ldev/idem/annotation/Retryable;";

    private ClassWeaver() {
    }

    /** The descriptors of the values Idem writes as JSON without Jackson (see {@code dev.idem.ScalarJson}). */
    private static final Set<String> PLAIN_VALUES = Set.of("V", "Z", "B", "S", "I", "J", "Ljava/lang/String;",
            "Ljava/lang/Void;", "Ljava/lang/Boolean;", "Ljava/lang/Byte;", "Ljava/lang/Short;", "Ljava/lang/Integer;",
            "Ljava/lang/Long;");

    /**
     * A woven class file, and whether every woven method takes and returns only plain values (strings,
     * whole numbers, booleans, void), which Idem stores and fingerprints without building a JSON mapper.
     */
    record Woven(byte[] classFile, boolean plainValues) {
    }

    /**
     * The woven class, or {@code null} when no method of it is woven.
     *
     * @param pointcutMethods the names of the methods of this class that pointcuts name; may be empty
     * @throws IllegalArgumentException when the class file cannot be woven (too old, too new, or a method
     *     would grow past the JVM's limits); the message says why
     */
    static Woven weave(byte[] classFile, Set<String> pointcutMethods) {
        ClassReader reader = new ClassReader(classFile);
        Finder finder = new Finder(pointcutMethods);
        reader.accept(finder, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        if (finder.firstFree.isEmpty()) {
            return null;
        }
        if (finder.version < Opcodes.V1_5) {
            throw new IllegalArgumentException("its class file version " + finder.version
                    + " predates Java 5; only Java 5 and later class files are woven");
        }
        boolean frames = finder.version >= Opcodes.V1_7;
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        try {
            reader.accept(new Rewriter(writer, finder.firstFree, frames),
                    frames ? ClassReader.EXPAND_FRAMES : ClassReader.SKIP_FRAMES);
            return new Woven(writer.toByteArray(), plainValues(finder.firstFree.keySet()));
        } catch (RuntimeException tooLarge) {
            throw new IllegalArgumentException(String.valueOf(tooLarge.getMessage()), tooLarge);
        }
    }

    /** Whether the methods, as name and descriptor, take and return only plain values. */
    private static boolean plainValues(Set<String> methods) {
        for (String method : methods) {
            Type descriptor = Type.getMethodType(method.substring(method.indexOf('(')));
            if (!PLAIN_VALUES.contains(descriptor.getReturnType().getDescriptor())) {
                return false;
            }
            for (Type parameter : descriptor.getArgumentTypes()) {
                if (!PLAIN_VALUES.contains(parameter.getDescriptor())) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean weavable(int access, String name) {
        return (access & (Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE)) == 0 && !name.equals("<init>")
                && !name.equals("<clinit>");
    }

    /** First pass: the methods to weave, each with its number of locals. */
    private static final class Finder extends ClassVisitor {
        final Set<String> pointcutMethods;
        final Map<String, Integer> firstFree = new HashMap<>();
        int version;

        Finder(Set<String> pointcutMethods) {
            super(Opcodes.ASM9);
            this.pointcutMethods = pointcutMethods;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            this.version = version & 0xFFFF;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            if (!weavable(access, name)) {
                return null;
            }
            String id = name + descriptor;
            return new MethodVisitor(Opcodes.ASM9) {
                private boolean matched = pointcutMethods.contains(name);

                @Override
                public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
                    matched |= annotation.equals(IDEMPOTENT) || annotation.equals(RETRYABLE);
                    return null;
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    if (matched) {
                        firstFree.put(id, maxLocals);
                    }
                }
            };
        }
    }

    /** Second pass: rewrites the methods found, copies the rest. */
    private static final class Rewriter extends ClassVisitor {
        final Map<String, Integer> firstFree;
        final boolean frames;
        String owner;

        Rewriter(ClassWriter writer, Map<String, Integer> firstFree, boolean frames) {
            super(Opcodes.ASM9, writer);
            this.firstFree = firstFree;
            this.frames = frames;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName, String[] interfaces) {
            owner = name;
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor copy = super.visitMethod(access, name, descriptor, signature, exceptions);
            Integer free = firstFree.get(name + descriptor);
            return free == null ? copy : new WovenMethod(copy, owner, access, name, descriptor, free, frames);
        }
    }
}
