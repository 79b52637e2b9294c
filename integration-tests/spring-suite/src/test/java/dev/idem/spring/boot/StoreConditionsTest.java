package dev.idem.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.store.IdempotencyStore;
import java.net.URI;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseBuilder;
import org.springframework.jdbc.datasource.embedded.EmbeddedDatabaseType;

/** Which store each condition picks: idem.store, then the application's DataSource, then its Redis connection. */
class StoreConditionsTest {

    private static final String REDIS = System.getenv().getOrDefault("IDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private final ApplicationContextRunner runner = new ApplicationContextRunner().withConfiguration(BootLine.idem());

    @Test
    void theApplicationsDataSourceCarriesTheJdbcStore() {
        runner.withBean(DataSource.class, StoreConditionsTest::h2).run(context ->
                assertThat(store(context.getBean(IdempotencyStore.class))).isEqualTo("JdbcStore"));
    }

    @Test
    void theApplicationsLettuceConnectionFactoryCarriesTheRedisStore() {
        runner.withBean(LettuceConnectionFactory.class, StoreConditionsTest::lettuce).run(context ->
                assertThat(store(context.getBean(IdempotencyStore.class))).isEqualTo("RedisStore"));
    }

    @Test
    void aDataSourceWinsOverARedisConnectionAndTheStorePropertyWinsOverBoth() {
        ApplicationContextRunner both = runner.withBean(DataSource.class, StoreConditionsTest::h2)
                .withBean(LettuceConnectionFactory.class, StoreConditionsTest::lettuce);
        both.run(context -> assertThat(store(context.getBean(IdempotencyStore.class))).isEqualTo("JdbcStore"));
        both.withPropertyValues("idem.store=memory")
                .run(context -> assertThat(store(context.getBean(IdempotencyStore.class))).isEqualTo("InMemoryStore"));
    }

    @Test
    void theStorePropertyTakesJdbcUrlsAndRedisUris() {
        runner.withPropertyValues("idem.store=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1").run(context ->
                assertThat(store(context.getBean(IdempotencyStore.class))).isEqualTo("JdbcStore"));
        runner.withPropertyValues("idem.store=" + REDIS, "idem.redis.key-prefix=idem-spring-test").run(context ->
                assertThat(context.getBean(IdempotencyStore.class).toString()).contains("idem-spring-test"));
    }

    private static String store(IdempotencyStore store) {
        return store.getClass().getSimpleName();
    }

    private static DataSource h2() {
        return new EmbeddedDatabaseBuilder().setType(EmbeddedDatabaseType.H2).generateUniqueName(true).build();
    }

    private static LettuceConnectionFactory lettuce() {
        URI uri = URI.create(REDIS);
        return new LettuceConnectionFactory(new RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
    }
}
