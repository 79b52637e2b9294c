package dev.idem;

/**
 * Receives every {@link Transition} the engine makes, on the caller's thread, right after the store
 * accepted it: register one with {@link Idem.Builder#listener(TransitionListener)}. A listener must be
 * fast and must not block (hand the transition to a queue); what it throws is logged and never reaches
 * the caller. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface TransitionListener {

    /** Called once per transition, in order per key. */
    void onTransition(Transition transition);
}
