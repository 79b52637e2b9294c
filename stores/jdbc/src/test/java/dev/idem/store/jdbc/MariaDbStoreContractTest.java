package dev.idem.store.jdbc;

/** The store contract on the MariaDB server named by {@code IDEM_TEST_MARIADB_URL}. */
class MariaDbStoreContractTest extends JdbcStoreContractTest {

    @Override
    String url() {
        return TestDatabases.mariaDbUrl();
    }
}
