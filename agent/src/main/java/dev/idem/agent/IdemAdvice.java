package dev.idem.agent;

import dev.idem.agent.bootstrap.IdemBridge;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The code woven into each idempotent or retryable method. Enter: start the call through the bridge
 * and skip the body when the call replays a stored outcome. Exit (also after the body throws): report the
 * attempt and repeat the body while the engine asks for a retry; then return the engine's result or throw
 * what the caller must get. Inlined into application classes, so it may only use the bridge and JDK types.
 */
public final class IdemAdvice {

    private IdemAdvice() {
    }

    /** Starts the call; returns {@code true} to skip the body. */
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    public static boolean enter(@Advice.Origin Class<?> type, @Advice.Origin("#m#d") String method,
            @Advice.This(optional = true) Object target, @Advice.AllArguments Object[] args,
            @Advice.Local("idemCall") Object call) throws Throwable {
        call = IdemBridge.begin(type, method, target, args);
        return IdemBridge.skip(call);
    }

    /** Ends an attempt; returns {@code true} to run the body again. */
    @Advice.OnMethodExit(onThrowable = Throwable.class, repeatOn = Advice.OnNonDefaultValue.class)
    public static boolean exit(@Advice.Local("idemCall") Object call,
            @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
            @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (IdemBridge.repeat(call, returned, thrown)) {
            return true;
        }
        try {
            returned = IdemBridge.result(call, returned, thrown);
            thrown = null;
        } catch (Throwable failure) {
            thrown = failure;
        }
        return false;
    }
}
