package dev.idem;

import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Turns Idem's annotations into policies; a bad attribute throws naming the attribute and its value. */
final class Annotations {

    private Annotations() {
    }

    static IdempotencyPolicy idempotency(Idempotent annotation) {
        return IdempotencyPolicy.builder()
                .name(annotation.name())
                .key(annotation.key())
                .ttl(Durations.parsePositive(annotation.ttl(), "@Idempotent(ttl)"))
                .lease(Durations.parsePositive(annotation.lease(), "@Idempotent(lease)"))
                .onInProgress(annotation.onInProgress())
                .waitTimeout(orZero(Durations.parse(annotation.waitTimeout(), "@Idempotent(waitTimeout)")))
                .onFailure(annotation.onFailure())
                .rememberOn(List.of(annotation.rememberOn()))
                .fingerprint(annotation.fingerprint())
                .fingerprintParameters(List.of(annotation.fingerprintParameters()))
                .failOpen(annotation.failOpen())
                .build();
    }

    static RetryPolicy retry(Retryable annotation) {
        List<Class<? extends Throwable>> includes = new ArrayList<>(List.of(annotation.value()));
        includes.addAll(List.of(annotation.includes()));
        RetryPolicy.Builder builder = RetryPolicy.builder()
                .maxAttempts(annotation.maxAttempts())
                .delay(orZero(Durations.parse(annotation.delay(), "@Retryable(delay)")))
                .multiplier(annotation.multiplier())
                .maxDelay(orZero(Durations.parse(annotation.maxDelay(), "@Retryable(maxDelay)")))
                .jitter(annotation.jitter())
                .maxDuration(Durations.parse(annotation.maxDuration(), "@Retryable(maxDuration)"))
                .includes(includes.toArray(Annotations.<Throwable>classes(includes.size())))
                .excludes(annotation.excludes());
        if (annotation.budget()) {
            builder.budget(annotation.budgetRatio(), annotation.budgetMinPerSecond());
        } else {
            builder.budget(false);
        }
        if (annotation.defer()) {
            builder.defer(DeferPolicy.of(annotation.deferMaxAttempts(),
                    Durations.parsePositive(annotation.deferDelay(), "@Retryable(deferDelay)"),
                    annotation.deferMultiplier(),
                    Durations.parsePositive(annotation.deferMaxDelay(), "@Retryable(deferMaxDelay)")));
        }
        return builder.build();
    }

    private static Duration orZero(Duration duration) {
        return duration == null ? Duration.ZERO : duration;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> Class<? extends T>[] classes(int length) {
        return (Class<? extends T>[]) new Class<?>[length];
    }
}
