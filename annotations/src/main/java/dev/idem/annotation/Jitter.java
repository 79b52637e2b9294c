package dev.idem.annotation;

/** How a retry delay is randomised so that many callers do not retry in lockstep. */
public enum Jitter {
    /** A uniformly random delay between zero and the computed backoff ("full jitter"). */
    FULL,
    /** Half the computed backoff plus a uniformly random part of the other half ("equal jitter"). */
    EQUAL,
    /** Exactly the computed backoff. */
    NONE
}
