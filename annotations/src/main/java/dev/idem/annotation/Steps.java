package dev.idem.annotation;

import java.lang.reflect.Type;

/**
 * Saved steps: inside an {@link Idempotent} call, {@code Steps.run("charge-card", Charge.class, () ->
 * gateway.charge(order))} runs the step once and saves its result under the call's key. When the call
 * is resumed (after a crash, a released failure, a retry, a deferral or a takeover) the saved value is
 * returned without running the step again. Step writes are fenced: a caller that lost its key gets
 * {@link IdempotencyLeaseLostException} and the step's value is not saved.
 *
 * <p>Step names must be unique within a call. Values are encoded by the engine's codec against the
 * given type. Calling a step outside an idempotent call throws {@link IllegalStateException}: a step
 * that is not saved would silently run again.
 *
 * <p>Thread-safe: the current call is bound to the calling thread.
 */
public final class Steps {

    private static final ThreadLocal<Recorder> CURRENT = new ThreadLocal<>();

    private Steps() {
    }

    /**
     * Runs a step that returns a value, or returns its saved value.
     *
     * @param name the step's name, unique within the call
     * @param type the type the value is decoded as when it is replayed
     * @param body the step
     * @return the step's value, fresh or saved
     * @throws E what the body throws; the step is not saved then
     */
    public static <T, E extends Exception> T run(String name, Class<T> type, ThrowingSupplier<T, E> body) throws E {
        return current(name).step(name, type, body);
    }

    /** As {@link #run(String, Class, ThrowingSupplier)}, for a generic type such as {@code List<Receipt>}. */
    public static <T, E extends Exception> T run(String name, TypeRef<T> type, ThrowingSupplier<T, E> body) throws E {
        return current(name).step(name, type.type(), body);
    }

    /** Runs a step that returns nothing, once; a resumed call skips it. */
    public static <E extends Exception> void run(String name, ThrowingRunnable<E> body) throws E {
        current(name).step(name, Void.class, () -> {
            body.run();
            return null;
        });
    }

    /** Whether the calling thread is inside an idempotent call, where steps are saved. */
    public static boolean active() {
        return CURRENT.get() != null;
    }

    /**
     * For engines and weavers only: binds the recorder of the call that starts on this thread.
     *
     * @return the recorder that was bound before (an enclosing call's, or null), to pass to
     *     {@link #restore(Recorder)} when the call ends
     */
    public static Recorder bind(Recorder recorder) {
        Recorder previous = CURRENT.get();
        CURRENT.set(recorder);
        return previous;
    }

    /** For engines and weavers only: restores what {@link #bind(Recorder)} returned. */
    public static void restore(Recorder previous) {
        if (previous == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(previous);
        }
    }

    private static Recorder current(String name) {
        Recorder recorder = CURRENT.get();
        if (recorder == null) {
            throw new IllegalStateException("Steps.run(\"" + name + "\") was called outside an @Idempotent call, "
                    + "where its result could not be saved; call it from inside an idempotent method or call");
        }
        return recorder;
    }

    /** The engine's side of saved steps: one per running call. Implementations are bound to one thread. */
    public interface Recorder {
        /** Returns the saved value of step {@code name}, or runs {@code body}, saves and returns its value. */
        <T, E extends Exception> T step(String name, Type type, ThrowingSupplier<T, E> body) throws E;
    }
}
