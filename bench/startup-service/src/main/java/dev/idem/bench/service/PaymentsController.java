package dev.idem.bench.service;

import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /payments/{paymentId}?cents=...}: the service's web endpoint over {@link Payments}. Thread-safe. */
@RestController
public final class PaymentsController {

    private final Payments payments;

    /** The endpoint over {@code payments}. */
    public PaymentsController(Payments payments) {
        this.payments = payments;
    }

    /** Charges the payment; answers how many times the charge has run. */
    @PostMapping("/payments/{paymentId}")
    public int charge(@PathVariable String paymentId, @RequestParam long cents) {
        return payments.charge(paymentId, cents);
    }
}
