package dev.idem.agent;

import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * Rewrites one method's code so that every call goes through {@code IdemBridge}:
 *
 * <pre>
 * call = IdemBridge.begin(Owner.class, "name(descriptor)", this or null, new Object[] {args});
 * saved = args;
 * if (IdemBridge.skip(call)) { returned = default; thrown = null; goto exit; }
 * attempt:
 *   try { body, each return becoming: returned = value; thrown = null; goto exit; }
 *   catch (Throwable t) { returned = default; thrown = t; }
 * exit:
 *   if (IdemBridge.repeat(call, returned, thrown)) { args = saved; goto attempt; }
 *   return IdemBridge.result(call, returned, thrown);   // or throws what it throws
 * </pre>
 *
 * Each attempt starts from the arguments the method was called with, even if the body assigned to its
 * parameters. Primitive results are boxed on the way to the bridge and unboxed on the way back; a void
 * method passes {@code null}. The added locals come after the method's own ({@code firstFree}), so the
 * body's code is unchanged. Stack map frames are written by hand from the method's own frames (read
 * expanded), so no class is ever loaded to compute them: each of the body's frames gets the call and the
 * saved arguments appended, and the added code's frames hold the parameters as declared. Without {@code frames} (class files older
 * than Java 7, read without frames) none are written and the JVM infers them. Not thread-safe: one
 * instance rewrites one method once.
 */
final class WovenMethod extends MethodVisitor {

    private static final String BRIDGE = "dev/idem/agent/bootstrap/IdemBridge";
    private static final String OBJECT = "java/lang/Object";
    private static final String THROWABLE = "java/lang/Throwable";
    private static final Object[] NO_STACK = {};
    /** The wrapper class of each primitive, indexed by {@link Type#getSort()} (BOOLEAN 1 to DOUBLE 8). */
    private static final String[] WRAPPERS = {null, "java/lang/Boolean", "java/lang/Character", "java/lang/Byte",
        "java/lang/Short", "java/lang/Integer", "java/lang/Float", "java/lang/Long", "java/lang/Double"};

    private final String owner;
    private final String method;
    private final boolean isStatic;
    private final boolean frames;
    private final Type[] parameters;
    private final Type result;
    private final int callSlot;
    private final int savedSlot;
    private final int thrownSlot;
    private final int returnedSlot;
    private final Object[] entryLocals;
    private final Object[] savedLocals;
    private final Label attempt = new Label();
    private final Label attemptEnd = new Label();
    private final Label exit = new Label();

    WovenMethod(MethodVisitor target, String owner, int access, String name, String descriptor, int firstFree,
            boolean frames) {
        super(Opcodes.ASM9, target);
        this.owner = owner;
        this.method = name + descriptor;
        this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
        this.frames = frames;
        this.parameters = Type.getArgumentTypes(descriptor);
        this.result = Type.getReturnType(descriptor);
        this.callSlot = firstFree;
        this.savedSlot = firstFree + 1;
        int saved = 0;
        for (Type parameter : parameters) {
            saved += parameter.getSize();
        }
        this.thrownSlot = savedSlot + saved;
        this.returnedSlot = thrownSlot + 1;
        this.entryLocals = entryLocals();
        this.savedLocals = new Object[parameters.length];
        for (int i = 0; i < parameters.length; i++) {
            savedLocals[i] = frameType(parameters[i]);
        }
    }

    @Override
    public void visitCode() {
        super.visitCode();
        super.visitLdcInsn(Type.getObjectType(owner));
        super.visitLdcInsn(method);
        if (isStatic) {
            super.visitInsn(Opcodes.ACONST_NULL);
        } else {
            super.visitVarInsn(Opcodes.ALOAD, 0);
        }
        pushArguments();
        super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "begin",
                "(Ljava/lang/Class;Ljava/lang/String;Ljava/lang/Object;[Ljava/lang/Object;)Ljava/lang/Object;", false);
        super.visitVarInsn(Opcodes.ASTORE, callSlot);
        copyArguments(true);
        super.visitVarInsn(Opcodes.ALOAD, callSlot);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "skip", "(Ljava/lang/Object;)Z", false);
        super.visitJumpInsn(Opcodes.IFEQ, attempt);
        storeDefaultReturned();
        super.visitInsn(Opcodes.ACONST_NULL);
        super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
        super.visitJumpInsn(Opcodes.GOTO, exit);
        super.visitLabel(attempt);
        frame(withCall(entryLocals), NO_STACK);
        // the body's first instruction may carry a frame of its own; two frames cannot share an offset
        super.visitInsn(Opcodes.NOP);
    }

    @Override
    public void visitFrame(int type, int numLocal, Object[] local, int numStack, Object[] stack) {
        Object[] locals = new Object[numLocal];
        System.arraycopy(local, 0, locals, 0, numLocal);
        Object[] operands = new Object[numStack];
        System.arraycopy(stack, 0, operands, 0, numStack);
        frame(withCall(locals), operands);
    }

    @Override
    public void visitInsn(int opcode) {
        if (opcode >= Opcodes.IRETURN && opcode <= Opcodes.RETURN) {
            if (result.getSort() != Type.VOID) {
                super.visitVarInsn(result.getOpcode(Opcodes.ISTORE), returnedSlot);
            }
            super.visitInsn(Opcodes.ACONST_NULL);
            super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
            super.visitJumpInsn(Opcodes.GOTO, exit);
        } else {
            super.visitInsn(opcode);
        }
    }

    @Override
    public void visitMaxs(int maxStack, int maxLocals) {
        Label handler = new Label();
        Label done = new Label();
        super.visitLabel(attemptEnd);
        super.visitLabel(handler);
        frame(withCall(entryLocals), new Object[] {THROWABLE});
        super.visitVarInsn(Opcodes.ASTORE, thrownSlot);
        storeDefaultReturned();
        super.visitLabel(exit);
        frame(exitLocals(), NO_STACK);
        loadOutcome();
        super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "repeat",
                "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Throwable;)Z", false);
        super.visitJumpInsn(Opcodes.IFEQ, done);
        copyArguments(false);
        super.visitJumpInsn(Opcodes.GOTO, attempt);
        super.visitLabel(done);
        frame(exitLocals(), NO_STACK);
        loadOutcome();
        super.visitMethodInsn(Opcodes.INVOKESTATIC, BRIDGE, "result",
                "(Ljava/lang/Object;Ljava/lang/Object;Ljava/lang/Throwable;)Ljava/lang/Object;", false);
        returnResult();
        // after the method's own handlers, so that they keep catching first
        super.visitTryCatchBlock(attempt, attemptEnd, handler, THROWABLE);
        super.visitMaxs(maxStack, maxLocals);
    }

    private void pushArguments() {
        push(parameters.length);
        super.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
        int slot = isStatic ? 0 : 1;
        for (int i = 0; i < parameters.length; i++) {
            super.visitInsn(Opcodes.DUP);
            push(i);
            super.visitVarInsn(parameters[i].getOpcode(Opcodes.ILOAD), slot);
            box(parameters[i]);
            super.visitInsn(Opcodes.AASTORE);
            slot += parameters[i].getSize();
        }
    }

    /** Saves the arguments into the added locals ({@code save}), or puts the saved ones back. */
    private void copyArguments(boolean save) {
        int slot = isStatic ? 0 : 1;
        int saved = savedSlot;
        for (Type parameter : parameters) {
            super.visitVarInsn(parameter.getOpcode(Opcodes.ILOAD), save ? slot : saved);
            super.visitVarInsn(parameter.getOpcode(Opcodes.ISTORE), save ? saved : slot);
            slot += parameter.getSize();
            saved += parameter.getSize();
        }
    }

    private void push(int value) {
        if (value <= 5) {
            super.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value <= Byte.MAX_VALUE) {
            super.visitIntInsn(Opcodes.BIPUSH, value);
        } else {
            super.visitIntInsn(Opcodes.SIPUSH, value);
        }
    }

    private void storeDefaultReturned() {
        switch (result.getSort()) {
            case Type.VOID:
                return;
            case Type.LONG:
                super.visitInsn(Opcodes.LCONST_0);
                break;
            case Type.FLOAT:
                super.visitInsn(Opcodes.FCONST_0);
                break;
            case Type.DOUBLE:
                super.visitInsn(Opcodes.DCONST_0);
                break;
            case Type.ARRAY:
            case Type.OBJECT:
                super.visitInsn(Opcodes.ACONST_NULL);
                break;
            default:
                super.visitInsn(Opcodes.ICONST_0);
        }
        super.visitVarInsn(result.getOpcode(Opcodes.ISTORE), returnedSlot);
    }

    /** Pushes the call, the boxed returned value (null for void) and the thrown exception. */
    private void loadOutcome() {
        super.visitVarInsn(Opcodes.ALOAD, callSlot);
        if (result.getSort() == Type.VOID) {
            super.visitInsn(Opcodes.ACONST_NULL);
        } else {
            super.visitVarInsn(result.getOpcode(Opcodes.ILOAD), returnedSlot);
            box(result);
        }
        super.visitVarInsn(Opcodes.ALOAD, thrownSlot);
    }

    private void returnResult() {
        switch (result.getSort()) {
            case Type.VOID:
                super.visitInsn(Opcodes.POP);
                super.visitInsn(Opcodes.RETURN);
                return;
            case Type.ARRAY:
            case Type.OBJECT:
                if (!result.getInternalName().equals(OBJECT)) {
                    super.visitTypeInsn(Opcodes.CHECKCAST, result.getInternalName());
                }
                super.visitInsn(Opcodes.ARETURN);
                return;
            default:
                String wrapper = wrapper(result);
                super.visitTypeInsn(Opcodes.CHECKCAST, wrapper);
                super.visitMethodInsn(Opcodes.INVOKEVIRTUAL, wrapper, result.getClassName() + "Value",
                        "()" + result.getDescriptor(), false);
                super.visitInsn(result.getOpcode(Opcodes.IRETURN));
        }
    }

    private void box(Type type) {
        if (type.getSort() != Type.OBJECT && type.getSort() != Type.ARRAY) {
            String wrapper = wrapper(type);
            super.visitMethodInsn(Opcodes.INVOKESTATIC, wrapper, "valueOf",
                    "(" + type.getDescriptor() + ")L" + wrapper + ";", false);
        }
    }

    private static String wrapper(Type primitive) {
        int sort = primitive.getSort();
        if (sort < Type.BOOLEAN || sort > Type.DOUBLE) {
            throw new IllegalArgumentException("not a primitive type: " + primitive);
        }
        return WRAPPERS[sort];
    }

    private void frame(Object[] locals, Object[] stack) {
        if (frames) {
            super.visitFrame(Opcodes.F_NEW, locals.length, locals, stack.length, stack);
        }
    }

    /** The frame's locals at method entry: {@code this} and the parameters as declared. */
    private Object[] entryLocals() {
        Object[] locals = new Object[parameters.length + (isStatic ? 0 : 1)];
        int i = 0;
        if (!isStatic) {
            locals[i++] = owner;
        }
        for (Type parameter : parameters) {
            locals[i++] = frameType(parameter);
        }
        return locals;
    }

    /** {@code locals}, padded to the first free slot, then the call and the saved arguments. */
    private Object[] withCall(Object[] locals) {
        int slots = 0;
        for (Object local : locals) {
            slots += local == Opcodes.LONG || local == Opcodes.DOUBLE ? 2 : 1;
        }
        int padding = callSlot - slots;
        Object[] extended = new Object[locals.length + padding + 1 + savedLocals.length];
        System.arraycopy(locals, 0, extended, 0, locals.length);
        for (int i = locals.length; i < locals.length + padding; i++) {
            extended[i] = Opcodes.TOP;
        }
        extended[locals.length + padding] = OBJECT;
        System.arraycopy(savedLocals, 0, extended, locals.length + padding + 1, savedLocals.length);
        return extended;
    }

    /** The locals at {@code exit}: the entry locals, the call, the saved arguments, what was thrown and returned. */
    private Object[] exitLocals() {
        Object[] withCall = withCall(entryLocals);
        boolean returns = result.getSort() != Type.VOID;
        Object[] locals = new Object[withCall.length + (returns ? 2 : 1)];
        System.arraycopy(withCall, 0, locals, 0, withCall.length);
        locals[withCall.length] = THROWABLE;
        if (returns) {
            // a reference result is held as Object: the verifier then never loads its class to check it
            locals[withCall.length + 1] = result.getSort() == Type.OBJECT || result.getSort() == Type.ARRAY
                    ? OBJECT : frameType(result);
        }
        return locals;
    }

    private static Object frameType(Type type) {
        switch (type.getSort()) {
            case Type.BOOLEAN:
            case Type.CHAR:
            case Type.BYTE:
            case Type.SHORT:
            case Type.INT:
                return Opcodes.INTEGER;
            case Type.FLOAT:
                return Opcodes.FLOAT;
            case Type.LONG:
                return Opcodes.LONG;
            case Type.DOUBLE:
                return Opcodes.DOUBLE;
            default:
                return type.getInternalName();
        }
    }
}
