package dev.idem.spring.boot.webapp;

import org.springframework.test.context.TestPropertySource;

/**
 * The webhook application on PostgreSQL ({@code IDEM_TEST_POSTGRES_URL}, default the local server): the
 * application's own {@code DataSource} carries the JDBC store. A server that is down fails the test.
 */
@TestPropertySource(properties = {
    "spring.datasource.url=${IDEM_TEST_POSTGRES_URL:jdbc:postgresql://127.0.0.1:5432/test?user=postgres}",
    "spring.data.redis.repositories.enabled=false"})
class PostgresWebhookTest extends WebhookTest {

    @Override
    String expectedStore() {
        return "JdbcStore";
    }
}
