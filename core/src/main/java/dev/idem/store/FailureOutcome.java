package dev.idem.store;

import java.time.Duration;
import java.util.Objects;

/** What {@link IdempotencyStore#fail(Failure)} does with the record. Immutable. */
public sealed interface FailureOutcome {

    /**
     * Release the key ({@link RecordState#RELEASED}): the next claim runs the call again, with the saved
     * steps. The released record, which keeps the fencing token growing, expires after {@code ttl}.
     *
     * @param ttl how long the released record and its steps are kept
     */
    record Release(Duration ttl) implements FailureOutcome {
        /** Validates. */
        public Release {
            requirePositive(ttl, "ttl");
        }
    }

    /**
     * Remember the failure ({@link RecordState#FAILED}) and replay it until {@code ttl} has passed.
     *
     * @param ttl how long the failure is replayed
     */
    record Remember(Duration ttl) implements FailureOutcome {
        /** Validates. */
        public Remember {
            requirePositive(ttl, "ttl");
        }
    }

    /**
     * Defer the call ({@link RecordState#SCHEDULED}): due {@code delay} after the store's now.
     *
     * @param delay how long until the next attempt is due
     * @param invocation the encoded invocation a worker re-runs; {@code null} keeps the stored one
     */
    record Schedule(Duration delay, byte[] invocation) implements FailureOutcome {
        /** Validates. */
        public Schedule {
            Objects.requireNonNull(delay, "delay");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
            IdempotencyStore.requireValueSize(invocation, "the invocation");
        }
    }

    /** Give up ({@link RecordState#DEAD}): the record waits for an operator. */
    record Dead() implements FailureOutcome {
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + duration);
        }
    }
}
