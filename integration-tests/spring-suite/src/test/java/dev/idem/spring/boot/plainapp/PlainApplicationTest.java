package dev.idem.spring.boot.plainapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.store.IdempotencyStore;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Adding the starter and {@code @Idempotent} is enough: the application's own DataSource (PostgreSQL, from
 * {@code IDEM_TEST_POSTGRES_URL}) becomes the store, its tables are created, and duplicates do not run.
 */
@SpringBootTest(properties = "spring.datasource.url=${IDEM_TEST_POSTGRES_URL:jdbc:postgresql://127.0.0.1:5432/test?user=postgres}")
class PlainApplicationTest {

    @Autowired
    private PlainApplication.Orders orders;

    @Autowired
    private IdempotencyStore store;

    @Autowired
    private DataSource dataSource;

    @Test
    void duplicatesAreDeduplicatedInTheApplicationsOwnDatabase() {
        String order = UUID.randomUUID().toString();
        String first = orders.place(order);
        assertThat(orders.place(order)).isEqualTo(first);
        assertThat(orders.placed()).isEqualTo(1);
        assertThat(store.getClass().getSimpleName()).isEqualTo("JdbcStore");
        Integer rows = new JdbcTemplate(dataSource).queryForObject(
                "select count(*) from idem_records where record_key = ?", Integer.class,
                PlainApplication.Orders.class.getName() + "#place:" + order);
        assertThat(rows).isOne();
    }
}
