package dev.idem.bench.service;

import dev.idem.annotation.Idempotent;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;

/** Records payments in the service's database; the agent makes {@link #charge} idempotent. Thread-safe. */
@Service
public final class Payments {

    private final JdbcTemplate jdbc;
    private final AtomicInteger runs = new AtomicInteger();

    /** A payments service over the service's database. */
    public Payments(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Inserts the payment and returns how many times this method's body has run: a duplicate does not run. */
    @Idempotent(key = "#paymentId")
    public int charge(String paymentId, long cents) {
        jdbc.update("INSERT INTO payments (payment_id, cents) VALUES (?, ?)", paymentId, cents);
        return runs.incrementAndGet();
    }
}
