package dev.idem.spring;

import dev.idem.annotation.IdempotencyDeadException;
import dev.idem.annotation.IdempotencyDeferredException;
import dev.idem.annotation.IdempotencyInProgressException;
import dev.idem.annotation.IdempotencyKeyException;
import dev.idem.annotation.IdempotencyKeyMismatchException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.spring.IdemObserver.Outcome;

/** Maps what a call threw to the outcome reported to the {@link IdemObserver}. */
final class Outcomes {

    private Outcomes() {
    }

    /** The outcome of a call that threw {@code failure}, given whether its body ran. */
    static Outcome of(Throwable failure, boolean ran) {
        if (failure instanceof IdempotencyInProgressException) {
            return Outcome.IN_PROGRESS;
        }
        if (failure instanceof IdempotencyKeyMismatchException) {
            return Outcome.MISMATCH;
        }
        if (failure instanceof IdempotencyDeferredException) {
            return Outcome.DEFERRED;
        }
        if (failure instanceof IdempotencyDeadException) {
            return Outcome.DEAD;
        }
        if (failure instanceof IdempotencyKeyException) {
            return Outcome.KEY_MISSING;
        }
        if (failure instanceof IdempotencyStoreUnavailableException) {
            return Outcome.STORE_UNAVAILABLE;
        }
        return ran ? Outcome.FAILED : Outcome.ERROR;
    }
}
