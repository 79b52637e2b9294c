package dev.idem.spring.boot;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code idem.*} properties of the Spring Boot starter. Mutable, bound once at startup by Spring Boot;
 * not thread-safe while it is being bound.
 */
@ConfigurationProperties(prefix = "idem")
public final class IdemProperties {

    /** Whether Idem is auto-configured at all. */
    private boolean enabled = true;

    /**
     * The store: "memory" (this JVM only, for tests), a JDBC URL ("jdbc:postgresql://...") or a Redis URI
     * ("redis://host:6379", several comma-separated for a Redis Cluster). Unset: the application's DataSource,
     * else its Redis connection; without either, startup fails naming this property.
     */
    private String store;

    /** This node's id, recorded as the owner of its claims and in the audit. Unset: "pid@hostname". */
    private String node;

    /** How often expired records are purged; 0 turns purging off. */
    private Duration purgeInterval = Duration.ofMinutes(1);

    /** Whether running calls renew their leases (every third of the lease). */
    private boolean renewLeases = true;

    private final Codec codec = new Codec();

    private final Aop aop = new Aop();

    private final Http http = new Http();

    private final Jdbc jdbc = new Jdbc();

    private final Redis redis = new Redis();

    private final Worker worker = new Worker();

    private final Kafka kafka = new Kafka();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getStore() {
        return store;
    }

    public void setStore(String store) {
        this.store = store;
    }

    public String getNode() {
        return node;
    }

    public void setNode(String node) {
        this.node = node;
    }

    public Duration getPurgeInterval() {
        return purgeInterval;
    }

    public void setPurgeInterval(Duration purgeInterval) {
        this.purgeInterval = purgeInterval;
    }

    public boolean isRenewLeases() {
        return renewLeases;
    }

    public void setRenewLeases(boolean renewLeases) {
        this.renewLeases = renewLeases;
    }

    public Codec getCodec() {
        return codec;
    }

    public Aop getAop() {
        return aop;
    }

    public Http getHttp() {
        return http;
    }

    public Jdbc getJdbc() {
        return jdbc;
    }

    public Worker getWorker() {
        return worker;
    }

    public Kafka getKafka() {
        return kafka;
    }

    public Redis getRedis() {
        return redis;
    }

    /** The JDBC store, on the application's DataSource or on a JDBC URL in idem.store. */
    public static final class Jdbc {

        /** The prefix of the store's three tables (idem_records, idem_history, idem_steps). */
        private String tablePrefix = "idem_";

        /**
         * Whether missing tables are created at startup (every statement is CREATE ... IF NOT EXISTS). Turn it
         * off when migrations own the schema; the SQL files ship in idem-store-jdbc.
         */
        private boolean createSchema = true;

        /** The longest one statement may run. */
        private Duration queryTimeout = Duration.ofSeconds(5);

        /** The user of the store's own pool (idem.store=jdbc:...), when not in the URL. */
        private String user;

        /** The password of the store's own pool (idem.store=jdbc:...), when not in the URL. */
        private String password;

        /** The size of the store's own pool (idem.store=jdbc:...). */
        private int poolSize = 10;

        /** How long a call waits for a connection of the store's own pool (idem.store=jdbc:...). */
        private Duration connectionTimeout = Duration.ofSeconds(2);

        public String getTablePrefix() {
            return tablePrefix;
        }

        public void setTablePrefix(String tablePrefix) {
            this.tablePrefix = tablePrefix;
        }

        public boolean isCreateSchema() {
            return createSchema;
        }

        public void setCreateSchema(boolean createSchema) {
            this.createSchema = createSchema;
        }

        public Duration getQueryTimeout() {
            return queryTimeout;
        }

        public void setQueryTimeout(Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
        }

        public String getUser() {
            return user;
        }

        public void setUser(String user) {
            this.user = user;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public int getPoolSize() {
            return poolSize;
        }

        public void setPoolSize(int poolSize) {
            this.poolSize = poolSize;
        }

        public Duration getConnectionTimeout() {
            return connectionTimeout;
        }

        public void setConnectionTimeout(Duration connectionTimeout) {
            this.connectionTimeout = connectionTimeout;
        }
    }

    /** The Redis store, on the application's Lettuce connection factory or on redis:// URIs in idem.store. */
    public static final class Redis {

        /** The first part of every Redis key the store writes. */
        private String keyPrefix = "idem";

        /** The longest any store call waits for Redis. */
        private Duration commandTimeout = Duration.ofSeconds(2);

        /** Whether a single URI in idem.store is a Redis Cluster seed (several URIs always are). */
        private boolean cluster;

        public String getKeyPrefix() {
            return keyPrefix;
        }

        public void setKeyPrefix(String keyPrefix) {
            this.keyPrefix = keyPrefix;
        }

        public Duration getCommandTimeout() {
            return commandTimeout;
        }

        public void setCommandTimeout(Duration commandTimeout) {
            this.commandTimeout = commandTimeout;
        }

        public boolean isCluster() {
            return cluster;
        }

        public void setCluster(boolean cluster) {
            this.cluster = cluster;
        }
    }

    /** The Kafka processing log: every transition published to a topic (needs {@code idem-kafka}). */
    public static final class Kafka {

        /** The brokers; setting them turns the processing log on. */
        private String bootstrapServers;

        /** The topic. */
        private String topic = "idem.transitions";

        /** Transitions buffered while the broker is slow or down; past it, new ones are dropped, counted, logged. */
        private int bufferSize = 10_000;

        /** How long shutdown waits to send what is buffered. */
        private Duration closeTimeout = Duration.ofSeconds(10);

        /** How often drops are reported in the log, at most. */
        private Duration reportInterval = Duration.ofSeconds(10);

        /** The producer's client id. */
        private String clientId = "idem-processing-log";

        /** More producer properties (security, compression, ...). */
        private final java.util.Map<String, String> producer = new java.util.LinkedHashMap<>();

        public String getBootstrapServers() {
            return bootstrapServers;
        }

        public void setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
        }

        public String getTopic() {
            return topic;
        }

        public void setTopic(String topic) {
            this.topic = topic;
        }

        public int getBufferSize() {
            return bufferSize;
        }

        public void setBufferSize(int bufferSize) {
            this.bufferSize = bufferSize;
        }

        public Duration getCloseTimeout() {
            return closeTimeout;
        }

        public void setCloseTimeout(Duration closeTimeout) {
            this.closeTimeout = closeTimeout;
        }

        public Duration getReportInterval() {
            return reportInterval;
        }

        public void setReportInterval(Duration reportInterval) {
            this.reportInterval = reportInterval;
        }

        public String getClientId() {
            return clientId;
        }

        public void setClientId(String clientId) {
            this.clientId = clientId;
        }

        public java.util.Map<String, String> getProducer() {
            return producer;
        }
    }

    /** The worker that runs deferred calls ({@code @Retryable(defer = true)}) when they are due. */
    public static final class Worker {

        /** Whether this application runs a worker. Workers on every node share the jobs cluster-safely. */
        private boolean enabled = true;

        /** Threads running due jobs. */
        private int threads = 2;

        /** The pause between polls that found nothing due. */
        private Duration pollInterval = Duration.ofSeconds(1);

        /** Due jobs claimed per poll, at most. */
        private int batchSize = 10;

        /** How long shutdown waits for running jobs; jobs claimed but not started are handed back. */
        private Duration shutdownTimeout = Duration.ofSeconds(30);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public int getThreads() {
            return threads;
        }

        public void setThreads(int threads) {
            this.threads = threads;
        }

        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration pollInterval) {
            this.pollInterval = pollInterval;
        }

        public int getBatchSize() {
            return batchSize;
        }

        public void setBatchSize(int batchSize) {
            this.batchSize = batchSize;
        }

        public Duration getShutdownTimeout() {
            return shutdownTimeout;
        }

        public void setShutdownTimeout(Duration shutdownTimeout) {
            this.shutdownTimeout = shutdownTimeout;
        }
    }

    /** How results, saved steps and deferred arguments are encoded. */
    public static final class Codec {

        /** The largest encoded result, step or deferred argument list, in bytes. */
        private int maxBytes = 1_048_576;

        public int getMaxBytes() {
            return maxBytes;
        }

        public void setMaxBytes(int maxBytes) {
            this.maxBytes = maxBytes;
        }
    }

    /** The advisor for {@code @Idempotent} and {@code @Retryable}. */
    public static final class Aop {

        /**
         * Whether beans with @Idempotent or @Retryable methods are proxied. When the Idem javaagent runs in the
         * same JVM, it weaves those methods itself and beans are only validated.
         */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** The Idempotency-Key header support for Spring MVC handlers annotated with @IdempotentRequest. */
    public static final class Http {

        /** Whether the Idempotency-Key filter is registered in servlet web applications. */
        private boolean enabled = true;

        /** The request header that carries the key. */
        private String header = "Idempotency-Key";

        /** The response header that marks a replayed response (its value is "true"). */
        private String replayedHeader = "Idempotent-Replayed";

        /** The largest request body buffered for the fingerprint, in bytes; larger requests get 413. */
        private int maxBodyBytes = 1_048_576;

        /** The order of the filter among servlet filters; the default runs after Spring Security (-100). */
        private int filterOrder = 0;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public String getHeader() {
            return header;
        }

        public void setHeader(String header) {
            this.header = header;
        }

        public String getReplayedHeader() {
            return replayedHeader;
        }

        public void setReplayedHeader(String replayedHeader) {
            this.replayedHeader = replayedHeader;
        }

        public int getMaxBodyBytes() {
            return maxBodyBytes;
        }

        public void setMaxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
        }

        public int getFilterOrder() {
            return filterOrder;
        }

        public void setFilterOrder(int filterOrder) {
            this.filterOrder = filterOrder;
        }
    }
}
