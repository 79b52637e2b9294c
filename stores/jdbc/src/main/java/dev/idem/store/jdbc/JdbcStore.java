package dev.idem.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.pool.HikariPool;
import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.store.AuditEntry;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.DueJob;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.Keys;
import dev.idem.store.OperatorResult;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import dev.idem.store.StepWrite;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;

/**
 * The store on PostgreSQL, MariaDB/MySQL or H2: one row per key in {@code idem_records}, the audit in
 * {@code idem_history}, saved steps in {@code idem_steps}. Build it from a JDBC URL (it then owns a small
 * HikariCP pool) or from the application's {@link DataSource}:
 *
 * <pre>{@code
 * JdbcStore store = JdbcStore.builder()
 *         .url("jdbc:postgresql://db:5432/app").user("app").password(secret)
 *         .build();
 * }</pre>
 *
 * <p>Every operation is one statement (PostgreSQL) or one short transaction (MariaDB/MySQL, H2) that
 * writes the history row with the transition; times come from the database's clock; writes after a
 * claim are fenced by the token. Every connection and statement has a timeout, so that a database that
 * is down or cut off fails a call with {@link dev.idem.annotation.IdempotencyStoreUnavailableException}
 * in bounded time; the pool reconnects by itself when it is back. On PostgreSQL, claims (their insert-only
 * statement) and completions that arrive while others of their kind are being written are written together
 * in one statement (as a database groups commits), each still its own transition with its own answer, so
 * that many threads at once cost fewer round trips and commits; a lone call is written at once.
 *
 * <p>Thread-safe. {@link #close()} closes the pool the store owns, never an application's
 * {@code DataSource}.
 */
public final class JdbcStore implements IdempotencyStore {

    /** The table prefix by default; the shipped SQL files use it. */
    public static final String DEFAULT_TABLE_PREFIX = Schema.DEFAULT_PREFIX;
    /** The size of the store's own pool by default. */
    public static final int DEFAULT_POOL_SIZE = 10;
    /** How long a call waits for a connection from the store's own pool by default. */
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(2);
    /** How long the store's own pool waits for a connection to prove alive by default. */
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(1);
    /** How long one statement may run by default. */
    public static final Duration DEFAULT_QUERY_TIMEOUT = Duration.ofSeconds(5);
    /** The most due jobs one {@link #claimDue} call claims; a larger limit claims this many. */
    public static final int MAX_DUE_BATCH = Queries.MAX_KEYS_PER_STATEMENT;
    /** The most records one step of {@link #purgeExpired} removes, so that it holds its locks briefly. */
    public static final int PURGE_BATCH = 100;
    /**
     * The most completions written in one statement on PostgreSQL: completions that callers make while
     * others are being written are written together, up to this many, each still fenced by its own token.
     */
    public static final int MAX_COMPLETION_GROUP = 32;
    /**
     * The most claims inserted by one statement on PostgreSQL: claims that callers make while others are
     * being written insert their records together, up to this many, each still its own claim with its own
     * answer.
     */
    public static final int MAX_CLAIM_GROUP = 32;
    /**
     * How many claim statements one store has in flight on PostgreSQL at most. A claim that finds none in
     * flight is written at once; one that finds some queues, and a further statement goes in flight, up to
     * this many, only for a group of queued claims.
     */
    public static final int CLAIM_GROUPS_IN_FLIGHT = 3;
    /**
     * How many completion statements one store has in flight on PostgreSQL at most: one, so that completions
     * made meanwhile wait for it and go together, which keeps the groups of a job worker's few threads large.
     */
    public static final int COMPLETION_GROUPS_IN_FLIGHT = 1;

    private static final int MAX_TEXT_LENGTH = 255;
    private static final int MAX_ORIGINAL_KEY_LENGTH = 16_000;

    private final Database database;
    private final Schema schema;
    private final Queries queries;
    private final Operations operations;
    /** On PostgreSQL, its operations; {@code null} on the others. */
    private final PostgresOperations postgres;
    /** Claims made at the same time, their insert-only claims in one statement; {@code null} off PostgreSQL. */
    private final GroupedWrites<ClaimRequest, ClaimResult> claims;
    /** Completions made at the same time, written in one statement; {@code null} off PostgreSQL. */
    private final GroupedWrites<Completion, Boolean> completions;

    private JdbcStore(Database database, Schema schema) {
        this.database = database;
        this.schema = schema;
        this.queries = new Queries(database, schema);
        if (schema.dialect == JdbcDialect.POSTGRESQL) {
            PostgresOperations postgres = new PostgresOperations(database, queries, schema);
            this.postgres = postgres;
            this.operations = postgres;
            this.claims = new GroupedWrites<>(MAX_CLAIM_GROUP, CLAIM_GROUPS_IN_FLIGHT, ClaimRequest::key,
                    group -> database.call(group.get(0).key(), connection -> postgres.claimAllNew(connection, group)));
            this.completions = new GroupedWrites<>(MAX_COMPLETION_GROUP, COMPLETION_GROUPS_IN_FLIGHT, Completion::key,
                    group -> database.call(group.get(0).key(), connection -> postgres.completeAll(connection, group)));
        } else {
            this.postgres = null;
            this.operations = new TransactionalOperations(database, queries, schema);
            this.claims = null;
            this.completions = null;
        }
    }

    /** A builder; set either {@link Builder#url} or {@link Builder#dataSource}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The SQL that creates the store's tables and indexes on {@code dialect} with {@code tablePrefix}: the
     * shipped {@code schema-*.sql} file with its prefix replaced, for a Flyway or Liquibase migration.
     * Every statement is idempotent ({@code IF NOT EXISTS}).
     *
     * @throws IllegalArgumentException when the prefix is not a valid one (see {@link Builder#tablePrefix})
     */
    public static String schemaSql(JdbcDialect dialect, String tablePrefix) {
        return new Schema(Objects.requireNonNull(dialect, "dialect"), tablePrefix).sql();
    }

    /** The dialect in use. */
    public JdbcDialect dialect() {
        return schema.dialect;
    }

    /** The prefix of the store's three tables. */
    public String tablePrefix() {
        return schema.prefix;
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        Objects.requireNonNull(request, "request");
        requireText(request.node(), "node", MAX_TEXT_LENGTH);
        requireText(request.fingerprint(), "fingerprint", MAX_TEXT_LENGTH);
        requireText(request.originalKey(), "original key", MAX_ORIGINAL_KEY_LENGTH);
        requireDuration(request.lease(), "lease", false);
        if (claims != null) {
            ClaimResult newOrAnswered = claims.submit(request);
            return newOrAnswered != null ? newOrAnswered
                    : database.call(request.key(), connection -> postgres.claimExisting(connection, request));
        }
        return database.call(request.key(), connection -> operations.claim(connection, request));
    }

    @Override
    public boolean complete(Completion completion) {
        Objects.requireNonNull(completion, "completion");
        requireText(completion.node(), "node", MAX_TEXT_LENGTH);
        requireDuration(completion.ttl(), "ttl", false);
        requireDuration(completion.elapsed(), "elapsed", true);
        if (completions != null) {
            return completions.submit(completion);
        }
        return database.call(completion.key(), connection -> operations.complete(connection, completion));
    }

    @Override
    public boolean fail(Failure failure) {
        Objects.requireNonNull(failure, "failure");
        requireText(failure.node(), "node", MAX_TEXT_LENGTH);
        requireDuration(failure.elapsed(), "elapsed", true);
        FailureOutcome outcome = failure.outcome();
        if (outcome instanceof FailureOutcome.Release release) {
            requireDuration(release.ttl(), "ttl", false);
        } else if (outcome instanceof FailureOutcome.Remember remember) {
            requireDuration(remember.ttl(), "ttl", false);
        } else if (outcome instanceof FailureOutcome.Schedule schedule) {
            requireDuration(schedule.delay(), "delay", true);
        }
        return database.call(failure.key(), connection -> operations.fail(connection, failure));
    }

    @Override
    public boolean renew(String key, long token, Duration lease) {
        Keys.requireValid(key);
        requireDuration(lease, "lease", false);
        return database.call(key, connection -> queries.renew(connection, key, token, lease));
    }

    @Override
    public boolean saveStep(StepWrite write) {
        Objects.requireNonNull(write, "write");
        requireText(write.node(), "node", MAX_TEXT_LENGTH);
        requireText(write.step(), "step name", Keys.MAX_STEP_NAME_LENGTH);
        return database.call(write.key(), connection -> operations.saveStep(connection, write));
    }

    /** {@inheritDoc} At most {@link #MAX_DUE_BATCH} jobs per call. */
    @Override
    public List<DueJob> claimDue(int limit, Duration lease, String node) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        requireDuration(lease, "lease", false);
        requireText(Objects.requireNonNull(node, "node"), "node", MAX_TEXT_LENGTH);
        int batch = Math.min(limit, MAX_DUE_BATCH);
        return database.call(null, connection -> operations.claimDue(connection, batch, lease, node));
    }

    @Override
    public Optional<IdempotencyRecord> find(String key) {
        Keys.requireValid(key);
        return database.call(key, connection -> queries.find(connection, key));
    }

    @Override
    public List<AuditEntry> history(String key) {
        Keys.requireValid(key);
        return database.call(key, connection -> queries.history(connection, key));
    }

    @Override
    public List<IdempotencyRecord> list(RecordQuery query) {
        Objects.requireNonNull(query, "query");
        return database.call(null, connection -> queries.list(connection, query));
    }

    @Override
    public Map<RecordState, Long> countByState() {
        return database.call(null, queries::countByState);
    }

    @Override
    public OperatorResult requeue(String key, String node) {
        Keys.requireValid(key);
        requireText(Objects.requireNonNull(node, "node"), "node", MAX_TEXT_LENGTH);
        return database.call(key, connection -> operations.requeue(connection, key, node));
    }

    @Override
    public OperatorResult cancel(String key, Duration retention, String node) {
        Keys.requireValid(key);
        requireDuration(retention, "retention", true);
        requireText(Objects.requireNonNull(node, "node"), "node", MAX_TEXT_LENGTH);
        return database.call(key, connection -> operations.cancel(connection, key, retention, node));
    }

    /** {@inheritDoc} Each step removes at most {@link #PURGE_BATCH} records in its own short transaction. */
    @Override
    public int purgeExpired(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        int removed = 0;
        while (removed < limit) {
            int batch = Math.min(PURGE_BATCH, limit - removed);
            int gone = database.call(null, connection -> operations.purgeBatch(connection, batch));
            removed += gone;
            if (gone < batch) {
                break;
            }
        }
        return removed;
    }

    /** Closes the store's own pool; an application's {@code DataSource} is left open. */
    @Override
    public void close() {
        database.close();
    }

    @Override
    public String toString() {
        return database.name();
    }

    private static void requireText(String value, String name, int maxLength) {
        if (value != null && (value.length() > maxLength || value.indexOf('\u0000') >= 0)) {
            throw new IllegalArgumentException("the " + name + " must have at most " + maxLength
                    + " characters and no NUL: '" + Keys.shorten(value, 80) + "'");
        }
    }

    private static void requireDuration(Duration duration, String name, boolean zeroAllowed) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
            throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? "zero or more" : "positive") + ": "
                    + duration);
        }
        if (duration.compareTo(Micros.MAX) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + Micros.MAX.toDays() + " days: " + duration);
        }
    }

    /**
     * Builds a {@link JdbcStore}: from a JDBC URL (with its own HikariCP pool) or from an application's
     * {@link DataSource}. Not thread-safe.
     */
    public static final class Builder {

        private String url;
        private String user;
        private String password;
        private DataSource dataSource;
        private JdbcDialect dialect;
        private String tablePrefix = DEFAULT_TABLE_PREFIX;
        private boolean createSchema;
        private int poolSize = DEFAULT_POOL_SIZE;
        private Duration connectionTimeout = DEFAULT_CONNECTION_TIMEOUT;
        private Duration validationTimeout = DEFAULT_VALIDATION_TIMEOUT;
        private Duration queryTimeout = DEFAULT_QUERY_TIMEOUT;
        private String poolName = "idem-jdbc";
        private final Map<String, String> driverProperties = new LinkedHashMap<>();
        private final Set<String> poolSettings = new LinkedHashSet<>();

        private Builder() {
        }

        /**
         * The JDBC URL, for example {@code jdbc:postgresql://db:5432/app}, {@code jdbc:mariadb://db:3306/app},
         * {@code jdbc:h2:file:./data/idem}; the store then owns a HikariCP pool. The database's driver must
         * be on the class path.
         */
        public Builder url(String url) {
            if (url == null || !url.startsWith("jdbc:")) {
                throw new IllegalArgumentException("the URL must start with 'jdbc:': '" + url + "'");
            }
            this.url = url;
            return this;
        }

        /** The user of the store's own pool. Default: none (from the URL). */
        public Builder user(String user) {
            this.user = user;
            return pool("user");
        }

        /** The password of the store's own pool. Default: none (from the URL). Never shown in messages. */
        public Builder password(String password) {
            this.password = password;
            return pool("password");
        }

        /**
         * The application's data source, instead of {@link #url}. The store borrows a connection per call
         * and never closes the data source. Give it the pool itself, not a transaction-aware proxy: the
         * store's writes must commit on their own, whatever transaction the caller is in.
         */
        public Builder dataSource(DataSource dataSource) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            return this;
        }

        /** The dialect. Default: detected from the URL, or from the data source's metadata. */
        public Builder dialect(JdbcDialect dialect) {
            this.dialect = Objects.requireNonNull(dialect, "dialect");
            return this;
        }

        /**
         * The prefix of the three table names ({@code records}, {@code history}, {@code steps}): 1 to 30
         * characters, a letter or {@code '_'} followed by letters, digits or {@code '_'}. Default
         * {@code idem_}. To use another schema, set it on the connection (for example
         * {@code currentSchema=} in a PostgreSQL URL).
         */
        public Builder tablePrefix(String tablePrefix) {
            this.tablePrefix = Schema.requirePrefix(tablePrefix);
            return this;
        }

        /**
         * Whether {@link #build()} creates the tables and indexes that are missing, by running the shipped
         * SQL file (every statement is {@code IF NOT EXISTS}). Default {@code false}: the tables must exist,
         * created by the application's migrations from {@link JdbcStore#schemaSql}.
         */
        public Builder createSchema(boolean createSchema) {
            this.createSchema = createSchema;
            return this;
        }

        /** The number of connections of the store's own pool (HikariCP {@code maximumPoolSize}). Default 10. */
        public Builder poolSize(int poolSize) {
            if (poolSize < 1 || poolSize > 1000) {
                throw new IllegalArgumentException("poolSize must be 1 to 1000: " + poolSize);
            }
            this.poolSize = poolSize;
            return pool("poolSize");
        }

        /**
         * How long a call waits for a connection of the store's own pool, and how long opening a new
         * connection may take, before it fails with the store-unavailable exception. At least 250 ms.
         * Default 2 s.
         */
        public Builder connectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = atLeast(connectionTimeout, Duration.ofMillis(250), "connectionTimeout");
            return pool("connectionTimeout");
        }

        /**
         * How long the store's own pool waits for an idle connection to prove alive before handing it out.
         * At least 250 ms and less than the connection timeout. Default 1 s.
         */
        public Builder validationTimeout(Duration validationTimeout) {
            this.validationTimeout = atLeast(validationTimeout, Duration.ofMillis(250), "validationTimeout");
            return pool("validationTimeout");
        }

        /**
         * How long one statement may run (cancelled by the database after that, rounded up to whole
         * seconds); a connection also waits at most this plus one second for the database's answer, so a
         * partitioned database fails a call in bounded time. Applies with a data source too. Default 5 s.
         */
        public Builder queryTimeout(Duration queryTimeout) {
            this.queryTimeout = atLeast(queryTimeout, Duration.ofMillis(1), "queryTimeout");
            return this;
        }

        /** The name of the store's own pool, in its threads and metrics. Default {@code idem-jdbc}. */
        public Builder poolName(String poolName) {
            if (poolName == null || poolName.isBlank()) {
                throw new IllegalArgumentException("poolName must not be blank");
            }
            this.poolName = poolName;
            return pool("poolName");
        }

        /**
         * A property for the driver of the store's own pool, for example {@code sslmode=verify-full}. The
         * store sets the driver's connect, login and socket timeouts from its own timeouts; a property set
         * here wins.
         */
        public Builder driverProperty(String name, String value) {
            driverProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return pool("driverProperty");
        }

        /**
         * The store. Connects, detects the dialect, creates the tables when asked, and checks them.
         *
         * @throws IllegalArgumentException when the settings do not fit together
         * @throws IdempotencyConfigurationException when the tables are missing (the message says how to
         *     create them), the credentials are refused or the database is not supported
         * @throws dev.idem.annotation.IdempotencyStoreUnavailableException when the database cannot be
         *     reached in time
         */
        public JdbcStore build() {
            if ((url == null) == (dataSource == null)) {
                throw new IllegalArgumentException("set either url(...) or dataSource(...), "
                        + (url == null ? "not neither" : "not both"));
            }
            if (dataSource != null && !poolSettings.isEmpty()) {
                throw new IllegalArgumentException(poolSettings + " configure the store's own pool, which it has only "
                        + "with url(...); with dataSource(...) configure the application's pool instead");
            }
            if (validationTimeout.compareTo(connectionTimeout) >= 0) {
                throw new IllegalArgumentException("validationTimeout (" + validationTimeout + ") must be less than "
                        + "connectionTimeout (" + connectionTimeout + ")");
            }
            JdbcDialect chosen = dialect;
            if (url != null && chosen == null) {
                chosen = JdbcDialect.fromUrl(url);
                if (chosen == null) {
                    throw new IllegalArgumentException("cannot tell the database from the URL '" + displayUrl(url)
                            + "'; the JDBC store supports PostgreSQL, MariaDB/MySQL and H2; set dialect(...) for a "
                            + "compatible database");
                }
            }
            return url != null ? fromUrl(chosen) : fromDataSource(chosen);
        }

        private JdbcStore fromUrl(JdbcDialect chosen) {
            String name = name(chosen, displayUrl(url));
            HikariDataSource pool;
            try {
                pool = new HikariDataSource(poolConfig(chosen));
            } catch (HikariPool.PoolInitializationException e) {
                throw cannotConnect(name, chosen, e);
            }
            try {
                return open(pool, pool, chosen, name);
            } catch (RuntimeException e) {
                pool.close();
                throw e;
            }
        }

        private JdbcStore fromDataSource(JdbcDialect chosen) {
            String location;
            JdbcDialect detected = chosen;
            try (Connection connection = dataSource.getConnection()) {
                DatabaseMetaData metadata = connection.getMetaData();
                location = metadata.getURL() == null ? "the application's data source" : displayUrl(metadata.getURL());
                if (detected == null) {
                    detected = JdbcDialect.fromProductName(metadata.getDatabaseProductName());
                    if (detected == null) {
                        throw new IdempotencyConfigurationException("the data source is a "
                                + metadata.getDatabaseProductName() + " database; the JDBC store supports PostgreSQL, "
                                + "MariaDB/MySQL and H2; set dialect(...) for a compatible database", null);
                    }
                }
            } catch (SQLException e) {
                throw Failures.translate("JdbcStore[the application's data source]", chosen, null, e);
            }
            return open(dataSource, null, detected, name(detected, location));
        }

        private JdbcStore open(DataSource source, AutoCloseable ownedPool, JdbcDialect chosen, String name) {
            Database database = new Database(source, ownedPool, chosen, name, queryTimeout);
            Schema schema = new Schema(chosen, tablePrefix);
            database.call(null, connection -> {
                requireSupportedVersion(connection.getMetaData(), name);
                if (createSchema) {
                    schema.create(connection);
                }
                schema.verify(connection);
                return schema;
            });
            return new JdbcStore(database, schema);
        }

        private HikariConfig poolConfig(JdbcDialect chosen) {
            HikariConfig config = new HikariConfig();
            config.setPoolName(poolName);
            config.setMaximumPoolSize(poolSize);
            config.setConnectionTimeout(connectionTimeout.toMillis());
            config.setValidationTimeout(validationTimeout.toMillis());
            config.setInitializationFailTimeout(connectionTimeout.toMillis());
            config.setAutoCommit(true);
            Properties connectionProperties = new Properties();
            connectionProperties.putAll(chosen.driverProperties(connectionTimeout.toMillis(),
                    Database.networkTimeout(queryTimeout).toMillis()));
            connectionProperties.putAll(driverProperties);
            Driver driver = driverOfThisClassLoader(chosen.driverClassName(url));
            if (driver != null) {
                if (user != null) {
                    connectionProperties.setProperty("user", user);
                }
                if (password != null) {
                    connectionProperties.setProperty("password", password);
                }
                config.setDataSource(new DriverConnections(driver, url, connectionProperties));
            } else {
                config.setJdbcUrl(url);
                config.setUsername(user);
                config.setPassword(password);
                connectionProperties.forEach((name, value) -> config.addDataSourceProperty((String) name, value));
            }
            return config;
        }

        /**
         * The driver when the store's own class loader has it: the pool then connects with it directly
         * ({@link DriverConnections}), never through {@code DriverManager}. Otherwise null, and the pool asks
         * {@code DriverManager} for the URL's driver.
         */
        private static Driver driverOfThisClassLoader(String driverClassName) {
            Class<?> type;
            try {
                type = Class.forName(driverClassName, true, JdbcStore.class.getClassLoader());
            } catch (ClassNotFoundException notHere) {
                return null;
            }
            try {
                return (Driver) type.getDeclaredConstructor().newInstance();
            } catch (ReflectiveOperationException | ClassCastException broken) {
                throw new IllegalStateException("cannot create the JDBC driver " + driverClassName, broken);
            }
        }

        private String name(JdbcDialect chosen, String location) {
            return "JdbcStore[" + chosen.id() + " " + location + ", tables " + tablePrefix + "*]";
        }

        private static RuntimeException cannotConnect(String name, JdbcDialect chosen,
                HikariPool.PoolInitializationException failure) {
            if (failure.getCause() instanceof SQLException sql) {
                String state = sql.getSQLState() == null ? "" : sql.getSQLState();
                if (state.startsWith("28") || state.startsWith("3D") || sql.getErrorCode() == 1045
                        || sql.getErrorCode() == 1049) {
                    return new IdempotencyConfigurationException(name + " cannot log in: " + Failures.describe(sql)
                            + "; check the URL, user and password", failure);
                }
                return Failures.translate(name, chosen, null, sql);
            }
            return Failures.unavailable(name, null, "cannot connect (" + failure.getMessage() + ")", failure);
        }

        private static void requireSupportedVersion(DatabaseMetaData metadata, String name) throws SQLException {
            String product = metadata.getDatabaseProductName();
            int major = metadata.getDatabaseMajorVersion();
            int minor = metadata.getDatabaseMinorVersion();
            boolean old = (product.equalsIgnoreCase("MariaDB") && (major < 10 || (major == 10 && minor < 6)))
                    || (product.equalsIgnoreCase("MySQL") && major < 8);
            if (old) {
                throw new IdempotencyConfigurationException(name + " runs " + product + " " + major + "." + minor
                        + ", which has no FOR UPDATE SKIP LOCKED; the JDBC store needs MariaDB 10.6 or MySQL 8.0 "
                        + "or later", null);
            }
        }

        /** A JDBC URL without its options and credentials, which may hold a password. */
        static String displayUrl(String url) {
            String shown = url;
            for (char end : new char[] {'?', ';'}) {
                int at = shown.indexOf(end);
                if (at >= 0) {
                    shown = shown.substring(0, at);
                }
            }
            int authority = shown.indexOf("//");
            int userInfo = shown.indexOf('@');
            if (authority >= 0 && userInfo > authority) {
                shown = shown.substring(0, authority + 2) + shown.substring(userInfo + 1);
            }
            return shown;
        }

        private Builder pool(String setting) {
            poolSettings.add(setting);
            return this;
        }

        private static Duration atLeast(Duration duration, Duration minimum, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.compareTo(minimum) < 0) {
                throw new IllegalArgumentException(name + " must be at least " + minimum.toMillis() + " ms: "
                        + duration);
            }
            return duration;
        }
    }
}
