package dev.idem.demo;

/** The ledger could not be reached; nothing was written, so the call can safely be made again. */
public final class LedgerUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A failure described by {@code message}. */
    public LedgerUnavailableException(String message) {
        super(message);
    }
}
