package dev.idem.store.jdbc;

/** The store contract on the PostgreSQL server named by {@code IDEM_TEST_POSTGRES_URL}. */
class PostgresStoreContractTest extends JdbcStoreContractTest {

    @Override
    String url() {
        return TestDatabases.postgresUrl();
    }
}
