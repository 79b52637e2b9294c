package dev.idem.agent.engine;

import dev.idem.Codec;
import dev.idem.Durations;
import dev.idem.Idem;
import dev.idem.JsonCodec;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The agent's settings after precedence was applied, validated all at once: an unknown {@code idem.*}
 * key (a typo), a bad value or a bad pointcut throws {@link IllegalArgumentException} naming the setting,
 * its value and what is expected, so the JVM stops at startup. Immutable and thread-safe.
 */
final class Settings {

    static final String STORE = "idem.store";
    static final String STORE_USER = "idem.store.user";
    static final String STORE_PASSWORD = "idem.store.password";
    static final String NODE = "idem.node";
    static final String MAX_VALUE_BYTES = "idem.codec.maxBytes";
    static final String PURGE_INTERVAL = "idem.purgeInterval";
    static final String RENEW_LEASES = "idem.renewLeases";
    static final String JDBC_TABLE_PREFIX = "idem.jdbc.tablePrefix";
    static final String JDBC_CREATE_SCHEMA = "idem.jdbc.createSchema";
    static final String JDBC_POOL_SIZE = "idem.jdbc.poolSize";
    static final String JDBC_TIMEOUT = "idem.jdbc.timeout";
    static final String REDIS_CLUSTER = "idem.redis.cluster";
    static final String REDIS_TIMEOUT = "idem.redis.timeout";
    static final String REDIS_KEY_PREFIX = "idem.redis.keyPrefix";
    static final String WORKER_THREADS = "idem.worker.threads";
    static final String WORKER_POLL_INTERVAL = "idem.worker.pollInterval";
    static final String WORKER_BATCH_SIZE = "idem.worker.batchSize";
    static final String WORKER_SHUTDOWN_TIMEOUT = "idem.worker.shutdownTimeout";
    static final String KAFKA_BOOTSTRAP_SERVERS = "idem.kafka.bootstrapServers";
    static final String KAFKA_TOPIC = "idem.kafka.topic";
    static final String KAFKA_BUFFER_SIZE = "idem.kafka.bufferSize";
    static final String KAFKA_CLOSE_TIMEOUT = "idem.kafka.closeTimeout";
    static final String KAFKA_REPORT_INTERVAL = "idem.kafka.reportInterval";
    static final String KAFKA_CLIENT_ID = "idem.kafka.clientId";
    static final String KAFKA_PRODUCER = "idem.kafka.producer.";
    /** Read by the agent itself, before the engine starts; accepted here so they are not typos. */
    static final String CONFIG = "idem.config";
    static final String INSTRUMENT_INCLUDE = "idem.instrument.include";
    static final Set<String> AGENT_SIDE = Set.of(CONFIG, INSTRUMENT_INCLUDE);

    /** The default store: an embedded H2 database in the working directory, shareable by JVMs on this host. */
    static final String DEFAULT_STORE = "jdbc:h2:file:./idem-data/idem;AUTO_SERVER=TRUE";

    private static final Set<String> KNOWN = Set.of(STORE, STORE_USER, STORE_PASSWORD, NODE, MAX_VALUE_BYTES,
            PURGE_INTERVAL, RENEW_LEASES, JDBC_TABLE_PREFIX, JDBC_CREATE_SCHEMA, JDBC_POOL_SIZE, JDBC_TIMEOUT,
            REDIS_CLUSTER, REDIS_TIMEOUT, REDIS_KEY_PREFIX, WORKER_THREADS, WORKER_POLL_INTERVAL, WORKER_BATCH_SIZE,
            WORKER_SHUTDOWN_TIMEOUT, KAFKA_BOOTSTRAP_SERVERS, KAFKA_TOPIC, KAFKA_BUFFER_SIZE, KAFKA_CLOSE_TIMEOUT,
            KAFKA_REPORT_INTERVAL, KAFKA_CLIENT_ID);

    private final Map<String, String> values;
    private final Map<String, Pointcut> pointcuts;

    private Settings(Map<String, String> values, Map<String, Pointcut> pointcuts) {
        this.values = values;
        this.pointcuts = pointcuts;
    }

    /**
     * Applies precedence (system property, then environment variable, then the properties file, then the
     * agent's arguments) and validates the result. Environment variables are the setting names in upper
     * case with {@code _} for dots and word breaks ({@code IDEM_STORE}, {@code IDEM_JDBC_TABLE_PREFIX});
     * {@code IDEM_*} variables that name no setting are ignored, since the environment is shared.
     *
     * @throws IllegalArgumentException for the first setting that is wrong
     */
    static Settings resolve(Map<String, String> agentArguments, Map<String, String> file, Map<String, String> environment,
            Map<String, String> systemProperties) {
        Map<String, String> merged = new TreeMap<>(agentArguments);
        merged.putAll(file);
        Map<String, String> byEnvironmentName = new TreeMap<>();
        for (String key : KNOWN) {
            byEnvironmentName.put(environmentName(key), key);
        }
        for (String key : AGENT_SIDE) {
            byEnvironmentName.put(environmentName(key), key);
        }
        // plain loops: the agent calls this on the application's main thread, before any lambda is linked
        for (Map.Entry<String, String> variable : environment.entrySet()) {
            String key = byEnvironmentName.get(variable.getKey());
            if (key != null) {
                merged.put(key, variable.getValue());
            }
        }
        for (Map.Entry<String, String> property : systemProperties.entrySet()) {
            if (property.getKey().startsWith("idem.")) {
                merged.put(property.getKey(), property.getValue());
            }
        }
        return parse(merged);
    }

    /** {@code idem.jdbc.tablePrefix} is read from {@code IDEM_JDBC_TABLE_PREFIX}. */
    static String environmentName(String key) {
        StringBuilder name = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (i > 0 && Character.isUpperCase(c) && isLowerOrDigit(key.charAt(i - 1))) {
                name.append('_');
            }
            name.append(c == '.' ? '_' : c);
        }
        return name.toString().toUpperCase(java.util.Locale.ROOT);
    }

    private static boolean isLowerOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }

    /**
     * Validates {@code raw}.
     *
     * @throws IllegalArgumentException for the first setting that is wrong
     */
    static Settings parse(Map<String, String> raw) {
        Map<String, String> values = new TreeMap<>();
        Map<String, Map<String, String>> pointcutAttributes = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : new TreeMap<>(raw).entrySet()) {
            String key = entry.getKey();
            String value = entry.getValue() == null ? "" : entry.getValue().trim();
            if (key.startsWith(Pointcut.PREFIX)) {
                String rest = key.substring(Pointcut.PREFIX.length());
                int dot = rest.indexOf('.');
                if (dot <= 0 || dot == rest.length() - 1) {
                    throw new IllegalArgumentException("setting " + key + " is not a pointcut setting; write "
                            + Pointcut.PREFIX + "<name>.<attribute>, e.g. " + Pointcut.PREFIX + "charge.method");
                }
                pointcutAttributes.computeIfAbsent(rest.substring(0, dot), name -> new TreeMap<>())
                        .put(rest.substring(dot + 1), value);
            } else if (KNOWN.contains(key) || AGENT_SIDE.contains(key)
                    || key.startsWith(KAFKA_PRODUCER) && key.length() > KAFKA_PRODUCER.length()) {
                values.put(key, value);
            } else if (key.startsWith("idem.")) {
                throw new IllegalArgumentException("unknown setting " + key + "; the settings are "
                        + new TreeSet<>(KNOWN) + ", " + AGENT_SIDE + ", " + KAFKA_PRODUCER + "* and " + Pointcut.PREFIX
                        + "<name>.*");
            }
        }
        Map<String, Pointcut> pointcuts = new LinkedHashMap<>();
        for (Map.Entry<String, Map<String, String>> pointcut : pointcutAttributes.entrySet()) {
            pointcuts.put(pointcut.getKey(), Pointcut.parse(pointcut.getKey(), pointcut.getValue()));
        }
        Settings settings = new Settings(values, Collections.unmodifiableMap(pointcuts));
        settings.validate();
        return settings;
    }

    private void validate() {
        validateStore();
        configuredNode();
        maxValueBytes();
        purgeInterval();
        renewLeases();
        jdbcPoolSize();
        jdbcTimeout();
        redisTimeout();
        tablePrefix();
        bool(JDBC_CREATE_SCHEMA, false);
        bool(REDIS_CLUSTER, false);
        workerThreads();
        workerPollInterval();
        workerBatchSize();
        workerShutdownTimeout();
        if (processingLog()) {
            kafkaBufferSize();
            kafkaCloseTimeout();
            kafkaReportInterval();
        }
    }

    /** Whether transitions go to a Kafka processing log ({@code idem.kafka.bootstrapServers} is set). */
    boolean processingLog() {
        return !values.getOrDefault(KAFKA_BOOTSTRAP_SERVERS, "").isEmpty();
    }

    String kafkaBootstrapServers() {
        return values.get(KAFKA_BOOTSTRAP_SERVERS);
    }

    String kafkaTopic() {
        return values.getOrDefault(KAFKA_TOPIC, "");
    }

    String kafkaClientId() {
        return values.getOrDefault(KAFKA_CLIENT_ID, "");
    }

    int kafkaBufferSize() {
        return positiveInt(KAFKA_BUFFER_SIZE, 10_000);
    }

    Duration kafkaCloseTimeout() {
        return duration(KAFKA_CLOSE_TIMEOUT, Duration.ofSeconds(10));
    }

    Duration kafkaReportInterval() {
        return duration(KAFKA_REPORT_INTERVAL, Duration.ofSeconds(10));
    }

    /** The {@code idem.kafka.producer.*} settings, as producer properties. */
    Map<String, String> kafkaProducerProperties() {
        Map<String, String> properties = new TreeMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(KAFKA_PRODUCER)) {
                properties.put(key.substring(KAFKA_PRODUCER.length()), value);
            }
        });
        return properties;
    }

    /** Threads running deferred jobs; 0 runs no worker in this JVM. */
    int workerThreads() {
        String value = values.getOrDefault(WORKER_THREADS, "");
        if (value.isEmpty()) {
            return 2;
        }
        try {
            int threads = Integer.parseInt(value);
            if (threads >= 0) {
                return threads;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting " + WORKER_THREADS + " is '" + value
                + "'; write 0 (no worker in this JVM) or a positive whole number");
    }

    Duration workerPollInterval() {
        Duration interval = duration(WORKER_POLL_INTERVAL, Duration.ofSeconds(1));
        if (interval.isZero()) {
            throw new IllegalArgumentException("setting " + WORKER_POLL_INTERVAL + " must be positive");
        }
        return interval;
    }

    int workerBatchSize() {
        return positiveInt(WORKER_BATCH_SIZE, 10);
    }

    Duration workerShutdownTimeout() {
        return duration(WORKER_SHUTDOWN_TIMEOUT, Duration.ofSeconds(30));
    }

    String store() {
        String store = values.getOrDefault(STORE, "");
        return store.isEmpty() ? DEFAULT_STORE : store;
    }

    /** Checks the form of {@code idem.store}; whether the store answers is not a setting's business. */
    private void validateStore() {
        String store = store();
        boolean known = store.equals("memory")
                || store.matches("jdbc:(postgresql|mariadb|mysql|h2):.+")
                || redisUris().stream().allMatch(uri -> uri.matches("rediss?://[^\\s]+"));
        if (!known) {
            throw new IllegalArgumentException("setting " + STORE + " is '" + storeForLog() + "'; write memory, a JDBC "
                    + "URL (jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:h2:), a redis:// or rediss:// URI, or "
                    + "Redis Cluster seeds as redis://host:port,redis://host:port");
        }
    }

    /** The Redis URIs of {@code idem.store}, one for standalone Redis, several for Cluster seeds. */
    List<String> redisUris() {
        return list(store());
    }

    /** The store without user info or password, for logs. */
    String storeForLog() {
        return store().replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("://[^/@,]*@", "://***@");
    }

    String user() {
        return values.get(STORE_USER);
    }

    String password() {
        return values.get(STORE_PASSWORD);
    }

    /**
     * This JVM's id: the setting, else {@link Idem#defaultNode()} ({@code pid@host}), which does not load
     * java.management and, since the host name may need a lookup, is only asked for by the engine as it
     * starts, off the application's startup path.
     */
    String node() {
        String node = configuredNode();
        return node == null ? Idem.defaultNode() : node;
    }

    private String configuredNode() {
        String node = values.get(NODE);
        if (node == null || node.isEmpty()) {
            return null;
        }
        if (node.length() > 100) {
            throw new IllegalArgumentException("setting " + NODE + " is " + node.length() + " characters long; at most 100");
        }
        return node;
    }

    /** The codec; built when the engine starts, because Jackson is slow to load. */
    Codec codec() {
        return JsonCodec.withMaxBytes(maxValueBytes());
    }

    private int maxValueBytes() {
        String value = values.getOrDefault(MAX_VALUE_BYTES, "");
        if (value.isEmpty()) {
            return JsonCodec.DEFAULT_MAX_BYTES;
        }
        try {
            int bytes = Integer.parseInt(value);
            if (bytes > 0) {
                return bytes;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting " + MAX_VALUE_BYTES + " is '" + value
                + "'; write a positive number of bytes such as 1048576");
    }

    Duration purgeInterval() {
        return duration(PURGE_INTERVAL, Duration.ofMinutes(1));
    }

    boolean renewLeases() {
        return bool(RENEW_LEASES, true);
    }

    String tablePrefix() {
        String prefix = values.getOrDefault(JDBC_TABLE_PREFIX, "");
        if (prefix.isEmpty()) {
            return "idem_";
        }
        if (!prefix.matches("[A-Za-z_][A-Za-z0-9_]{0,29}")) {
            throw new IllegalArgumentException("setting " + JDBC_TABLE_PREFIX + " is '" + prefix
                    + "'; use letters, digits and '_' (at most 30), starting with a letter or '_'");
        }
        return prefix;
    }

    boolean createSchema(boolean byDefault) {
        return bool(JDBC_CREATE_SCHEMA, byDefault);
    }

    int jdbcPoolSize() {
        return positiveInt(JDBC_POOL_SIZE, 10);
    }

    Duration jdbcTimeout() {
        return duration(JDBC_TIMEOUT, Duration.ofSeconds(5));
    }

    boolean redisCluster() {
        return bool(REDIS_CLUSTER, false);
    }

    Duration redisTimeout() {
        return duration(REDIS_TIMEOUT, Duration.ofSeconds(2));
    }

    String redisKeyPrefix() {
        String prefix = values.getOrDefault(REDIS_KEY_PREFIX, "");
        return prefix.isEmpty() ? "idem" : prefix;
    }

    /** The package prefixes whose classes are considered for weaving; empty means all. */
    List<String> instrumentedPackages() {
        return list(values.getOrDefault(INSTRUMENT_INCLUDE, ""));
    }

    Map<String, Pointcut> pointcuts() {
        return pointcuts;
    }

    /** The pointcut that names {@code method}, or {@code null}. */
    Pointcut pointcutFor(Method method) {
        for (Pointcut pointcut : pointcuts.values()) {
            if (pointcut.matches(method)) {
                return pointcut;
            }
        }
        return null;
    }

    private Duration duration(String key, Duration byDefault) {
        String value = values.getOrDefault(key, "");
        if (value.isEmpty()) {
            return byDefault;
        }
        Duration duration = Durations.parse(value, "setting " + key);
        if (duration.isNegative()) {
            throw new IllegalArgumentException("setting " + key + " must not be negative: " + value);
        }
        return duration;
    }

    private boolean bool(String key, boolean byDefault) {
        return parseBoolean(key, values.getOrDefault(key, ""), byDefault);
    }

    private int positiveInt(String key, int byDefault) {
        String value = values.getOrDefault(key, "");
        if (value.isEmpty()) {
            return byDefault;
        }
        try {
            int parsed = Integer.parseInt(value);
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("setting " + key + " is '" + value + "'; write a positive whole number");
    }

    static boolean parseBoolean(String key, String value, boolean byDefault) {
        if (value.isEmpty()) {
            return byDefault;
        }
        if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(value);
        }
        throw new IllegalArgumentException("setting " + key + " is '" + value + "'; write true or false");
    }

    static List<String> list(String value) {
        return value.isEmpty() ? List.of() : List.of(value.split("\\s*,\\s*"));
    }
}
