package dev.idem.spring.boot.webapp;

import org.springframework.test.context.TestPropertySource;

/** The webhook application with the in-memory store. */
@TestPropertySource(properties = "idem.store=memory")
class MemoryStoreWebhookTest extends WebhookTest {

    @Override
    String expectedStore() {
        return "InMemoryStore";
    }
}
