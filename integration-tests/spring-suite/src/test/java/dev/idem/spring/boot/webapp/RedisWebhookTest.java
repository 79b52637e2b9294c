package dev.idem.spring.boot.webapp;

import org.springframework.test.context.TestPropertySource;

/**
 * The webhook application on Redis ({@code IDEM_TEST_REDIS_URL}, default the local server): the application's
 * own Lettuce connection factory carries the Redis store; the application has no {@code DataSource}. A server
 * that is down fails the test.
 */
@TestPropertySource(properties = {
    "spring.data.redis.url=${IDEM_TEST_REDIS_URL:redis://127.0.0.1:6379}",
    "spring.autoconfigure.exclude=${idem.test.datasource-autoconfiguration}"})
class RedisWebhookTest extends WebhookTest {

    @Override
    String expectedStore() {
        return "RedisStore";
    }
}
