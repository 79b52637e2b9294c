package dev.idem.annotation;

/** What an idempotent call does with its key when the method throws (after any retries). */
public enum OnFailure {
    /** Release the key: the next call with it runs the body again (saved steps are kept). */
    RELEASE,
    /**
     * Remember the failure until the key expires: later calls with the key get the same failure
     * without running the body, as Stripe does.
     */
    REMEMBER
}
