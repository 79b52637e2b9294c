package dev.idem.spring.boot;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.jdbc.JdbcStore;
import javax.sql.DataSource;
import org.springframework.util.ClassUtils;

/** Builds the JDBC store; loaded only when idem-store-jdbc is on the class path. */
final class JdbcStores {

    private static final String STORE = "dev.idem.store.jdbc.JdbcStore";

    private JdbcStores() {
    }

    static boolean present() {
        return ClassUtils.isPresent(STORE, JdbcStores.class.getClassLoader());
    }

    /** A store on the application's pool, which it borrows and never closes. */
    static IdempotencyStore onDataSource(DataSource dataSource, IdemProperties.Jdbc jdbc) {
        return JdbcStore.builder().dataSource(dataSource).tablePrefix(jdbc.getTablePrefix())
                .createSchema(jdbc.isCreateSchema()).queryTimeout(jdbc.getQueryTimeout()).build();
    }

    /** A store with its own pool on {@code url}. */
    static IdempotencyStore onUrl(String url, IdemProperties.Jdbc jdbc) {
        if (!present()) {
            throw new IllegalStateException("idem.store is a JDBC URL but idem-store-jdbc is not on the class path; "
                    + "add dev.idem:idem-store-jdbc");
        }
        JdbcStore.Builder builder = JdbcStore.builder().url(url).tablePrefix(jdbc.getTablePrefix())
                .createSchema(jdbc.isCreateSchema()).queryTimeout(jdbc.getQueryTimeout())
                .poolSize(jdbc.getPoolSize()).connectionTimeout(jdbc.getConnectionTimeout());
        if (jdbc.getUser() != null) {
            builder.user(jdbc.getUser());
        }
        if (jdbc.getPassword() != null) {
            builder.password(jdbc.getPassword());
        }
        return builder.build();
    }
}
