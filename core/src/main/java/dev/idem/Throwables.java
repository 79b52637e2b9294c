package dev.idem;

/** Rethrowing without wrapping. */
final class Throwables {

    private Throwables() {
    }

    /**
     * Throws {@code failure} as is, checked or not; declared to return so callers can write
     * {@code throw sneaky(e)}. Used where the failure is known to be one the caller's work may throw.
     */
    @SuppressWarnings("unchecked")
    static <T extends Throwable> T sneaky(Throwable failure) throws T {
        throw (T) failure;
    }
}
