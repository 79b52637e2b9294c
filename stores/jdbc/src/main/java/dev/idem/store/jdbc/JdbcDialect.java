package dev.idem.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;

/**
 * The databases {@link JdbcStore} speaks to. {@link JdbcStore.Builder} detects the dialect from the JDBC
 * URL or the database's metadata; set it with {@link JdbcStore.Builder#dialect(JdbcDialect)} only for a
 * compatible database that reports another name. Immutable.
 */
public enum JdbcDialect {

    /** PostgreSQL 12 or later: single-statement operations with data-modifying CTEs. */
    POSTGRESQL,
    /** MariaDB 10.6 or later, and MySQL 8.0 or later: short transactions. */
    MARIADB,
    /** H2 2.x, embedded or server: short transactions. */
    H2;

    /** The dialect a JDBC URL names, or {@code null} when it names none of them. */
    static JdbcDialect fromUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return POSTGRESQL;
        }
        if (lower.startsWith("jdbc:mariadb:") || lower.startsWith("jdbc:mysql:")) {
            return MARIADB;
        }
        if (lower.startsWith("jdbc:h2:")) {
            return H2;
        }
        return null;
    }

    /** The dialect of a product name from {@code DatabaseMetaData}, or {@code null}. */
    static JdbcDialect fromProductName(String productName) {
        String lower = productName.toLowerCase(Locale.ROOT);
        if (lower.contains("postgres")) {
            return POSTGRESQL;
        }
        if (lower.contains("mariadb") || lower.contains("mysql")) {
            return MARIADB;
        }
        if (lower.equals("h2")) {
            return H2;
        }
        return null;
    }

    /** The class name of the usual driver for {@code url}. */
    String driverClassName(String url) {
        switch (this) {
            case POSTGRESQL:
                return "org.postgresql.Driver";
            case MARIADB:
                return url.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:") ? "com.mysql.cj.jdbc.Driver"
                        : "org.mariadb.jdbc.Driver";
            default:
                return "org.h2.Driver";
        }
    }

    /** The lower-case name used in messages and in the schema file's name. */
    String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The classpath resource holding this dialect's schema, with the default prefix. */
    String schemaResource() {
        return "schema-" + id() + ".sql";
    }

    /** The database's current time, the same value everywhere in one statement. */
    String now() {
        switch (this) {
            case POSTGRESQL:
                return "now()";
            case MARIADB:
                return "UTC_TIMESTAMP(6)";
            default:
                return "CURRENT_TIMESTAMP(6)";
        }
    }

    /** {@code time} plus a bound number of microseconds (a {@code NULL} bind gives {@code NULL}). */
    String plusMicros(String time) {
        if (this == POSTGRESQL) {
            return "(" + time + " + ? * INTERVAL '1 microsecond')";
        }
        return "TIMESTAMPADD(MICROSECOND, ?, " + time + ")";
    }

    /** A bind parameter of {@code sqlType}, cast where the database cannot infer its type from the context. */
    String param(String sqlType) {
        return this == MARIADB ? "?" : "CAST(? AS " + sqlType + ")";
    }

    /** Reads a timestamp column written by this store. */
    Instant readInstant(ResultSet row, String column) throws SQLException {
        if (this == MARIADB) {
            LocalDateTime utc = row.getObject(column, LocalDateTime.class);
            return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
        }
        OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }

    /** Binds an instant to a timestamp parameter. */
    void bindInstant(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (this == MARIADB) {
            statement.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        } else {
            statement.setObject(index, instant.atOffset(ZoneOffset.UTC));
        }
    }

    /**
     * Whether a statement failed only because it lost a race with another transaction (deadlock,
     * serialization failure, lock wait timeout) and the whole operation may simply run again.
     */
    boolean lostRace(SQLException failure) {
        String state = failure.getSQLState() == null ? "" : failure.getSQLState();
        switch (this) {
            case POSTGRESQL:
                return state.equals("40001") || state.equals("40P01");
            case MARIADB:
                return failure.getErrorCode() == 1213 || failure.getErrorCode() == 1205;
            default:
                return state.equals("40001") || failure.getErrorCode() == 50200 || failure.getErrorCode() == 90131;
        }
    }

    /** Whether a statement failed on a duplicate primary key. */
    boolean duplicateKey(SQLException failure) {
        return "23505".equals(failure.getSQLState()) || failure.getErrorCode() == 1062;
    }

    /**
     * Driver properties for a pool this store owns: connect, login and socket timeouts, so that a
     * database that is down or cut off fails a call in bounded time.
     */
    Map<String, String> driverProperties(long connectMillis, long socketMillis) {
        String connectSeconds = String.valueOf(Math.max(1, (connectMillis + 999) / 1000));
        String socketSeconds = String.valueOf(Math.max(1, (socketMillis + 999) / 1000));
        switch (this) {
            case POSTGRESQL:
                return Map.of("connectTimeout", connectSeconds, "loginTimeout", connectSeconds,
                        "socketTimeout", socketSeconds, "cancelSignalTimeout", connectSeconds, "tcpKeepAlive", "true");
            case MARIADB:
                return Map.of("connectTimeout", String.valueOf(connectMillis), "socketTimeout",
                        String.valueOf(socketMillis), "tcpKeepAlive", "true");
            default:
                return Map.of();
        }
    }
}
