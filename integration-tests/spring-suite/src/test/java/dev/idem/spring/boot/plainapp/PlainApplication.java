package dev.idem.spring.boot.plainapp;

import dev.idem.annotation.Idempotent;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.stereotype.Service;

/** A new Boot application: the starter, one {@code @Idempotent} method and its own DataSource; no Idem settings. */
@SpringBootApplication
public class PlainApplication {

    @Service
    public static class Orders {
        private final AtomicInteger placed = new AtomicInteger();

        @Idempotent(key = "#orderId")
        public String place(String orderId) {
            return "order-" + orderId + "-" + placed.incrementAndGet();
        }

        public int placed() {
            return placed.get();
        }
    }
}
