package dev.idem.it.app;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A legacy billing service with NO Idem annotations: the agent makes its methods idempotent or retryable only
 * through config-only pointcuts. Each method counts how often its body ran per id, and every result carries a
 * random part, so a replayed result can be told from a second execution. Thread-safe.
 */
public final class Billing {

    private final Map<String, AtomicInteger> executions = new ConcurrentHashMap<>();

    /** Charges an invoice: the body a pointcut makes idempotent. */
    public String charge(String invoiceId, int cents) {
        int run = count("charge", invoiceId);
        return "receipt-" + invoiceId + "-" + cents + "-run" + run + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Calls a flaky downstream: the first two attempts of each request fail, the third succeeds. */
    public String flaky(String requestId) {
        int attempt = count("flaky", requestId);
        if (attempt < 3) {
            throw new IllegalStateException("downstream unavailable (attempt " + attempt + " of " + requestId + ")");
        }
        return "accepted-" + requestId + "-on-attempt-" + attempt;
    }

    /** How often the body of {@code method} ran for {@code id}. */
    public int executions(String method, String id) {
        AtomicInteger count = executions.get(method + ":" + id);
        return count == null ? 0 : count.get();
    }

    private int count(String method, String id) {
        return executions.computeIfAbsent(method + ":" + id, key -> new AtomicInteger()).incrementAndGet();
    }
}
