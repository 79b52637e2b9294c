package dev.idem.agent.woven;

import dev.idem.annotation.Idempotent;

/** Annotated methods without a body: never woven. */
public final class Declarations {

    private Declarations() {
    }

    /** An interface method without a body. */
    public interface Contract {
        @Idempotent
        String charge(String id);
    }

    /** An abstract method. */
    public abstract static class Base {
        @Idempotent
        public abstract String charge(String id);

        @Idempotent
        public native String nativeCharge(String id);
    }
}
