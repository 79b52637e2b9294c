package dev.idem.store.jdbc;

/** The store contract on an in-memory H2 database. */
class H2StoreContractTest extends JdbcStoreContractTest {

    @Override
    String url() {
        return TestDatabases.h2Url("contract");
    }
}
