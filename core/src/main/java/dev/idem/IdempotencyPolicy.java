package dev.idem;

import dev.idem.annotation.InProgress;
import dev.idem.annotation.OnFailure;
import dev.idem.store.Keys;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How calls are deduplicated: the namespace, how long results are kept, the lease, what a duplicate
 * does while the first call runs, what a failure does to the key, the fingerprint, and whether the
 * body may run when the store is down. The programmatic twin of {@link dev.idem.annotation.Idempotent},
 * with the same defaults. {@link #key()} and {@link #fingerprintParameters()} apply to methods only.
 * Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class IdempotencyPolicy {

    private final String name;
    private final String key;
    private final Duration ttl;
    private final Duration lease;
    private final InProgress onInProgress;
    private final Duration waitTimeout;
    private final OnFailure onFailure;
    private final List<Class<? extends Throwable>> rememberOn;
    private final boolean fingerprint;
    private final List<String> fingerprintParameters;
    private final boolean failOpen;

    private IdempotencyPolicy(Builder builder) {
        this.name = builder.name;
        this.key = builder.key;
        this.ttl = builder.ttl;
        this.lease = builder.lease;
        this.onInProgress = builder.onInProgress;
        this.waitTimeout = builder.waitTimeout;
        this.onFailure = builder.onFailure;
        this.rememberOn = List.copyOf(builder.rememberOn);
        this.fingerprint = builder.fingerprint;
        this.fingerprintParameters = List.copyOf(builder.fingerprintParameters);
        this.failOpen = builder.failOpen;
    }

    /** A builder with the defaults of {@link dev.idem.annotation.Idempotent}. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder for the namespace {@code name}, with the defaults. */
    public static Builder named(String name) {
        return new Builder().name(name);
    }

    /** A builder holding this policy's values. */
    public Builder toBuilder() {
        return new Builder().name(name).key(key).ttl(ttl).lease(lease).onInProgress(onInProgress)
                .waitTimeout(waitTimeout).onFailure(onFailure).rememberOn(rememberOn).fingerprint(fingerprint)
                .fingerprintParameters(fingerprintParameters).failOpen(failOpen);
    }

    /** The namespace of the keys, or {@code null} for the method's own ({@code Class#method}). */
    public String name() {
        return name;
    }

    /** The key expression (methods only); empty resolves the key automatically. */
    public String key() {
        return key;
    }

    /** How long a result or remembered failure is kept. */
    public Duration ttl() {
        return ttl;
    }

    /** How long a claim is valid without renewal. */
    public Duration lease() {
        return lease;
    }

    /** What a duplicate does while the first call runs. */
    public InProgress onInProgress() {
        return onInProgress;
    }

    /** How long a duplicate waits with {@link InProgress#WAIT}. */
    public Duration waitTimeout() {
        return waitTimeout;
    }

    /** What a failure does to the key. */
    public OnFailure onFailure() {
        return onFailure;
    }

    /** With {@link OnFailure#REMEMBER}: the failure types remembered; empty means all. */
    public List<Class<? extends Throwable>> rememberOn() {
        return rememberOn;
    }

    /** Whether a key must be reused with the same arguments. */
    public boolean fingerprint() {
        return fingerprint;
    }

    /** The parameters that make the fingerprint (methods only); empty means all. */
    public List<String> fingerprintParameters() {
        return fingerprintParameters;
    }

    /** Whether the body may run without a claim when the store is down. */
    public boolean failOpen() {
        return failOpen;
    }

    /** Whether {@code failure} is remembered rather than releasing the key. */
    boolean remembers(Throwable failure) {
        if (onFailure != OnFailure.REMEMBER) {
            return false;
        }
        if (rememberOn.isEmpty()) {
            return true;
        }
        for (Class<? extends Throwable> type : rememberOn) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "IdempotencyPolicy[name=" + name + ", key=" + key + ", ttl=" + ttl + ", lease=" + lease
                + ", onInProgress=" + onInProgress + ", waitTimeout=" + waitTimeout + ", onFailure=" + onFailure
                + ", rememberOn=" + rememberOn + ", fingerprint=" + fingerprint + ", fingerprintParameters="
                + fingerprintParameters + ", failOpen=" + failOpen + "]";
    }

    /** Builds an {@link IdempotencyPolicy}; not thread-safe. */
    public static final class Builder {
        private String name;
        private String key = "";
        private Duration ttl = Duration.ofHours(24);
        private Duration lease = Duration.ofSeconds(30);
        private InProgress onInProgress = InProgress.WAIT;
        private Duration waitTimeout = Duration.ofSeconds(30);
        private OnFailure onFailure = OnFailure.RELEASE;
        private List<Class<? extends Throwable>> rememberOn = List.of();
        private boolean fingerprint = true;
        private List<String> fingerprintParameters = List.of();
        private boolean failOpen;

        private Builder() {
        }

        /** The namespace; {@code null} or empty for the method's own. */
        public Builder name(String name) {
            if (name != null && !name.isEmpty()) {
                Keys.requireNamespace(name);
            }
            this.name = name == null || name.isEmpty() ? null : name;
            return this;
        }

        /** The key expression (methods only). Default: empty, resolved automatically. */
        public Builder key(String key) {
            this.key = Objects.requireNonNull(key, "key");
            return this;
        }

        /** How long results are kept. Default 24 hours. */
        public Builder ttl(Duration ttl) {
            Durations.requirePositive(ttl, "ttl");
            this.ttl = ttl;
            return this;
        }

        /** How long a claim is valid without renewal. Default 30 seconds. */
        public Builder lease(Duration lease) {
            Durations.requirePositive(lease, "lease");
            this.lease = lease;
            return this;
        }

        /** What a duplicate does while the first call runs. Default {@link InProgress#WAIT}. */
        public Builder onInProgress(InProgress onInProgress) {
            this.onInProgress = Objects.requireNonNull(onInProgress, "onInProgress");
            return this;
        }

        /** How long a duplicate waits. Default 30 seconds. */
        public Builder waitTimeout(Duration waitTimeout) {
            Durations.requireNotNegative(waitTimeout, "waitTimeout");
            this.waitTimeout = waitTimeout;
            return this;
        }

        /** What a failure does to the key. Default {@link OnFailure#RELEASE}. */
        public Builder onFailure(OnFailure onFailure) {
            this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
            return this;
        }

        /** With {@link OnFailure#REMEMBER}: only these failure types are remembered. */
        public Builder rememberOn(List<Class<? extends Throwable>> types) {
            this.rememberOn = List.copyOf(types);
            return this;
        }

        /** Whether a key must be reused with the same arguments. Default on. */
        public Builder fingerprint(boolean fingerprint) {
            this.fingerprint = fingerprint;
            return this;
        }

        /** The parameters that make the fingerprint (methods only). Default: all. */
        public Builder fingerprintParameters(List<String> names) {
            this.fingerprintParameters = List.copyOf(names);
            return this;
        }

        /** Whether the body may run without a claim when the store is down. Default off. */
        public Builder failOpen(boolean failOpen) {
            this.failOpen = failOpen;
            return this;
        }

        /** The policy. */
        public IdempotencyPolicy build() {
            if (!rememberOn.isEmpty() && onFailure != OnFailure.REMEMBER) {
                throw new IllegalArgumentException("rememberOn " + rememberOn + " only applies with onFailure = REMEMBER");
            }
            if (!fingerprint && !fingerprintParameters.isEmpty()) {
                throw new IllegalArgumentException("fingerprintParameters " + fingerprintParameters
                        + " are set but fingerprint is off");
            }
            return new IdempotencyPolicy(this);
        }
    }
}
