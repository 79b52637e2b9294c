package dev.idem.store.redis;

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
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The store on Redis or Redis Cluster, over Lettuce. Every operation is one Lua script, loaded once and
 * run with {@code EVALSHA} (and sent whole when Redis has lost it, after a restart, a failover or
 * {@code SCRIPT FLUSH}), so that each transition and its audit entry are one atomic step; times come
 * from the Redis primary's {@code TIME}. A first call costs two commands (claim, complete), a duplicate
 * one.
 *
 * <pre>{@code
 * RedisStore store = RedisStore.builder().uri("redis://localhost:6379").build();
 * RedisStore cluster = RedisStore.builder().cluster("redis://node-1:6379", "redis://node-2:6379").build();
 * }</pre>
 *
 * <p>Records are spread over a fixed number of buckets, each with its own Redis Cluster hash tag and its
 * own indexes, so that every script touches one slot; listing, counting, claiming due jobs and purging
 * walk the buckets with pipelined commands. Completed, failed and released records expire by Redis TTL
 * {@link Builder#expiryGrace(Duration) a grace period} after their {@code expiresAt}; {@link #purgeExpired}
 * removes them at {@code expiresAt} with their index entries. The key layout, memory per record and the
 * caveats of Redis persistence and replication are in {@code docs/stores-redis.md}.
 *
 * <p>A call that cannot reach Redis within the command timeout throws
 * {@link dev.idem.annotation.IdempotencyStoreUnavailableException}; the connection reconnects by itself.
 * A record damaged by hand throws {@link dev.idem.annotation.IdempotencyStoreException} naming its key.
 *
 * <p>Thread-safe: one instance shares one multiplexed connection between all threads. Close it to close
 * what it created; a client or connection the application passed in is left open.
 */
public final class RedisStore implements IdempotencyStore {

    /** The default first part of every Redis key the store writes. */
    public static final String DEFAULT_KEY_PREFIX = "idem";
    /** The default number of buckets. */
    public static final int DEFAULT_BUCKETS = 16;
    /** The default bound on every Redis call. */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(2);
    /** The default bound on opening a connection. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    /** The default longest pause between two attempts to reconnect. */
    public static final Duration DEFAULT_MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
    /** The default time Redis keeps an expired record before its TTL removes it. */
    public static final Duration DEFAULT_EXPIRY_GRACE = Duration.ofHours(1);
    /** The default number of audit entries kept per key. */
    public static final int DEFAULT_MAX_HISTORY_PER_KEY = 100;

    /**
     * The largest result kept in the record itself; larger ones go to the values hash, so that the
     * scripts that read many records (listing, purging, claiming due jobs) do not unpack them.
     */
    static final int INLINE_RESULT_BYTES = 1024;

    private static final int MAX_PREFIX_LENGTH = 100;
    private static final int MAX_HISTORY_LIMIT = 10_000;

    private final Calls calls;
    private final BucketWalks walks;
    private final Layout layout;
    private final Scripts scripts;
    private final String description;
    private final byte[] maxHistory;
    private final byte[] expiryGrace;
    private final int maxHistoryPerKey;
    private final long expiryGraceMillis;

    private RedisStore(Builder builder, Connector connector, Scripts scripts, String description) {
        this.scripts = scripts;
        this.layout = new Layout(builder.keyPrefix, builder.buckets);
        this.description = description;
        this.calls = new Calls(connector, description, builder.commandTimeout.toNanos());
        this.maxHistoryPerKey = builder.maxHistoryPerKey;
        this.expiryGraceMillis = Wire.nonNegativeMillis(builder.expiryGrace, "expiryGrace");
        this.maxHistory = Wire.number(maxHistoryPerKey);
        this.expiryGrace = Wire.number(expiryGraceMillis);
        this.walks = new BucketWalks(calls, layout, scripts, maxHistory);
    }

    /** A builder; exactly one of {@code uri}, {@code cluster}, {@code client} or {@code connection} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ClaimResult claim(ClaimRequest request) {
        String key = request.key();
        String operation = "claim of key '" + key + "'";
        byte[] fingerprint = request.fingerprint() == null ? null : Wire.fingerprint(request.fingerprint());
        byte[] original = request.originalKey() == null ? null : Wire.utf8(request.originalKey());
        List<Object> reply = onRecord(scripts.claim, key, operation, Wire.firstClaim(
                Wire.positiveMillis(request.lease(), "lease"), Wire.utf8(request.node()), fingerprint, original),
                maxHistory);
        return calls.decode(key, operation, () -> Replies.claim(reply));
    }

    @Override
    public boolean complete(Completion completion) {
        String key = completion.key();
        long ttl = Wire.positiveMillis(completion.ttl(), "ttl");
        Long done = onRecord(scripts.complete, key, "completion of key '" + key + "'", completion.result(),
                Wire.packed(Wire.compactField(Wire.utf8(completion.node())), completion.token(), ttl,
                        Wire.utf8(ttl + "," + Wire.clampedMillis(completion.elapsed())), Wire.number(ttl + expiryGraceMillis),
                        maxHistoryPerKey, expiryGraceMillis, INLINE_RESULT_BYTES));
        return done == 1;
    }

    @Override
    public boolean fail(Failure failure) {
        String key = failure.key();
        FailureOutcome outcome = failure.outcome();
        String state;
        long millis = 0;
        byte[] replaceInvocation = Wire.number(0);
        byte[] invocation = Wire.NONE;
        if (outcome instanceof FailureOutcome.Release release) {
            state = Wire.code(RecordState.RELEASED);
            millis = Wire.positiveMillis(release.ttl(), "ttl");
        } else if (outcome instanceof FailureOutcome.Remember remember) {
            state = Wire.code(RecordState.FAILED);
            millis = Wire.positiveMillis(remember.ttl(), "ttl");
        } else if (outcome instanceof FailureOutcome.Schedule schedule) {
            state = Wire.code(RecordState.SCHEDULED);
            millis = Wire.nonNegativeMillis(schedule.delay(), "delay");
            if (schedule.invocation() != null) {
                replaceInvocation = Wire.number(1);
                invocation = schedule.invocation();
            }
        } else {
            state = Wire.code(RecordState.DEAD);
        }
        Long done = onRecord(scripts.fail, key, "failure of key '" + key + "'", Wire.number(failure.token()),
                Wire.utf8(state), Wire.number(millis), replaceInvocation, invocation, Wire.error(failure.error()),
                Wire.number(Wire.clampedMillis(failure.elapsed())), Wire.utf8(failure.node()), maxHistory, expiryGrace);
        return done == 1;
    }

    @Override
    public boolean renew(String key, long token, Duration lease) {
        Keys.requireValid(key);
        long leaseMillis = Wire.positiveMillis(lease, "lease");
        Long done = onRecord(scripts.renew, key, "lease renewal of key '" + key + "'", Wire.number(token),
                Wire.number(leaseMillis));
        return done == 1;
    }

    @Override
    public boolean saveStep(StepWrite write) {
        String key = write.key();
        if (!Wire.wellFormed(write.step())) {
            throw new IllegalArgumentException("a step name must not hold unpaired surrogates: key '" + key + "'");
        }
        Long done = onRecord(scripts.step, key, "step '" + write.step() + "' of key '" + key + "'",
                Wire.number(write.token()), Wire.utf8(write.step()), write.value(), Wire.utf8(write.node()), maxHistory);
        return done == 1;
    }

    @Override
    public List<DueJob> claimDue(int limit, Duration lease, String node) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        return walks.claimDue(limit, Wire.number(Wire.positiveMillis(lease, "lease")),
                Wire.utf8(Objects.requireNonNull(node, "node")));
    }

    @Override
    public Optional<IdempotencyRecord> find(String key) {
        Keys.requireValid(key);
        String operation = "find of key '" + key + "'";
        List<Object> reply = onRecord(scripts.find, key, operation);
        return reply.isEmpty() ? Optional.empty() : Optional.of(calls.decode(key, operation, () -> Replies.record(key, reply)));
    }

    @Override
    public List<AuditEntry> history(String key) {
        Keys.requireValid(key);
        String operation = "history of key '" + key + "'";
        List<Object> reply = onRecord(scripts.history, key, operation);
        return calls.decode(key, operation, () -> Replies.history(key, reply));
    }

    @Override
    public List<IdempotencyRecord> list(RecordQuery query) {
        return walks.list(Objects.requireNonNull(query, "query"));
    }

    @Override
    public Map<RecordState, Long> countByState() {
        return walks.countByState();
    }

    @Override
    public OperatorResult requeue(String key, String node) {
        Keys.requireValid(key);
        Long answer = onRecord(scripts.requeue, key, "requeue of key '" + key + "'",
                Wire.utf8(Objects.requireNonNull(node, "node")), maxHistory);
        return operatorResult(answer);
    }

    @Override
    public OperatorResult cancel(String key, Duration retention, String node) {
        Keys.requireValid(key);
        long retentionMillis = Wire.nonNegativeMillis(retention, "retention");
        Long answer = onRecord(scripts.cancel, key, "cancel of key '" + key + "'", Wire.number(retentionMillis),
                Wire.utf8(Objects.requireNonNull(node, "node")), maxHistory, expiryGrace);
        return operatorResult(answer);
    }

    @Override
    public int purgeExpired(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1: " + limit);
        }
        return walks.purgeExpired(limit);
    }

    /** Closes the connection and shuts down the client, when the store created them. */
    @Override
    public void close() {
        calls.close();
    }

    @Override
    public String toString() {
        return "redis(" + description + ", prefix '" + layout.prefix() + "')";
    }

    /** Runs a script on one record (its key is the first argument) and waits for its reply. */
    private <T> T onRecord(Script script, String key, String operation, byte[]... arguments) {
        Connector.Commands commands = calls.commands(key, operation);
        return calls.await(calls.script(commands, script, layout.recordScriptKeys(key), arguments), calls.deadline(), key,
                operation);
    }

    private static OperatorResult operatorResult(long answer) {
        return answer == 0 ? OperatorResult.DONE : answer == 1 ? OperatorResult.NOT_FOUND : OperatorResult.WRONG_STATE;
    }

    /**
     * Builds a {@link RedisStore}. Exactly one of {@link #uri}, {@link #cluster}, {@link #client} or
     * {@link #connection} says where Redis is; every other setting has a default. Not thread-safe.
     */
    public static final class Builder {
        private String source;
        private RedisURI uri;
        private List<RedisURI> seeds;
        private RedisClient client;
        private RedisClusterClient clusterClient;
        private StatefulRedisConnection<byte[], byte[]> connection;
        private StatefulRedisClusterConnection<byte[], byte[]> clusterConnection;
        private String keyPrefix = DEFAULT_KEY_PREFIX;
        private int buckets = DEFAULT_BUCKETS;
        private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration maxReconnectDelay = DEFAULT_MAX_RECONNECT_DELAY;
        private Duration expiryGrace = DEFAULT_EXPIRY_GRACE;
        private int maxHistoryPerKey = DEFAULT_MAX_HISTORY_PER_KEY;
        private boolean functions = true;

        private Builder() {
        }

        /**
         * A standalone Redis (or one found through Sentinel), as a Lettuce URI:
         * {@code redis://[[user:]password@]host[:port][/database]}, {@code rediss://...} for TLS,
         * {@code redis-sentinel://...}. The store creates, and closes, its own client.
         */
        public Builder uri(String uri) {
            return uri(RedisURI.create(Objects.requireNonNull(uri, "uri")));
        }

        /** As {@link #uri(String)}, from a parsed URI. */
        public Builder uri(RedisURI uri) {
            source("uri");
            this.uri = Objects.requireNonNull(uri, "uri");
            return this;
        }

        /**
         * A Redis Cluster, from one or more seed nodes as {@code redis://} or {@code rediss://} URIs; the
         * client discovers the others. The store creates, and closes, its own client.
         */
        public Builder cluster(String... seedUris) {
            return cluster(List.of(seedUris));
        }

        /** As {@link #cluster(String...)}, from a list. */
        public Builder cluster(List<String> seedUris) {
            Objects.requireNonNull(seedUris, "seedUris");
            if (seedUris.isEmpty()) {
                throw new IllegalArgumentException("a Redis Cluster needs at least one seed URI");
            }
            source("cluster");
            List<RedisURI> parsed = new ArrayList<>();
            for (String seed : seedUris) {
                parsed.add(RedisURI.create(Objects.requireNonNull(seed, "seed URI")));
            }
            this.seeds = List.copyOf(parsed);
            return this;
        }

        /**
         * The application's standalone client, with its default URI; the store opens its own connection
         * on it and closes only that. Timeouts and reconnection are then the client's.
         */
        public Builder client(RedisClient client) {
            source("client");
            this.client = Objects.requireNonNull(client, "client");
            return this;
        }

        /** The application's cluster client; the store opens its own connection on it and closes only that. */
        public Builder client(RedisClusterClient client) {
            source("client");
            this.clusterClient = Objects.requireNonNull(client, "client");
            return this;
        }

        /**
         * The application's connection, with the byte-array codec; the store uses it as it is and never
         * closes it. Timeouts and reconnection are the connection's.
         */
        public Builder connection(StatefulRedisConnection<byte[], byte[]> connection) {
            source("connection");
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** The application's cluster connection, with the byte-array codec; never closed by the store. */
        public Builder connection(StatefulRedisClusterConnection<byte[], byte[]> connection) {
            source("connection");
            this.clusterConnection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /**
         * The first part of every Redis key the store writes, so that stores of several applications can
         * share a Redis. 1 to 100 printable characters, without {@code '{'} or {@code '}'} (the store puts
         * the hash tag right after it). Default {@value RedisStore#DEFAULT_KEY_PREFIX}.
         */
        public Builder keyPrefix(String keyPrefix) {
            Objects.requireNonNull(keyPrefix, "keyPrefix");
            if (keyPrefix.isEmpty() || keyPrefix.length() > MAX_PREFIX_LENGTH || keyPrefix.indexOf('{') >= 0
                    || keyPrefix.indexOf('}') >= 0 || !printable(keyPrefix)) {
                throw new IllegalArgumentException("keyPrefix must have 1 to " + MAX_PREFIX_LENGTH
                        + " printable characters and no '{' or '}': '" + keyPrefix + "'");
            }
            this.keyPrefix = keyPrefix;
            return this;
        }

        /**
         * How many buckets records are spread over, 1 to 1024; default 16. Each bucket has its own hash
         * tag (so on a cluster its own slot) and its own indexes. Fixed per deployment: every store
         * sharing a prefix must use the same count, and changing it hides existing records.
         */
        public Builder buckets(int buckets) {
            if (buckets < 1 || buckets > Layout.MAX_BUCKETS) {
                throw new IllegalArgumentException("buckets must be 1 to " + Layout.MAX_BUCKETS + ": " + buckets);
            }
            this.buckets = buckets;
            return this;
        }

        /**
         * The longest a call waits for Redis before it fails with the store-unavailable exception; default
         * 2 s. Also set as the timeout of the client the store creates.
         */
        public Builder commandTimeout(Duration commandTimeout) {
            this.commandTimeout = positive(commandTimeout, "commandTimeout");
            return this;
        }

        /** The longest opening a connection may take (clients the store creates); default 2 s. */
        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = positive(connectTimeout, "connectTimeout");
            return this;
        }

        /**
         * The longest pause between two attempts to reconnect (clients the store creates): attempts start
         * after 10 ms and double up to it; default 1 s.
         */
        public Builder maxReconnectDelay(Duration maxReconnectDelay) {
            this.maxReconnectDelay = positive(maxReconnectDelay, "maxReconnectDelay");
            if (maxReconnectDelay.compareTo(Clients.MIN_RECONNECT_DELAY) < 0) {
                throw new IllegalArgumentException("maxReconnectDelay must be at least 10 ms: " + maxReconnectDelay);
            }
            return this;
        }

        /**
         * How long after its {@code expiresAt} Redis removes a completed, failed or released record by TTL
         * when {@code purgeExpired} has not removed it first; default 1 hour. Until then a new claim of
         * the key continues its fencing token and its history. Zero removes records at
         * {@code expiresAt}, and the token of such a key starts again at 1.
         */
        public Builder expiryGrace(Duration expiryGrace) {
            Wire.nonNegativeMillis(expiryGrace, "expiryGrace");
            this.expiryGrace = expiryGrace;
            return this;
        }

        /** How many audit entries each key keeps, its newest, 1 to 10,000; default 100. */
        public Builder maxHistoryPerKey(int maxHistoryPerKey) {
            if (maxHistoryPerKey < 1 || maxHistoryPerKey > MAX_HISTORY_LIMIT) {
                throw new IllegalArgumentException("maxHistoryPerKey must be 1 to " + MAX_HISTORY_LIMIT + ": "
                        + maxHistoryPerKey);
            }
            this.maxHistoryPerKey = maxHistoryPerKey;
            return this;
        }

        /**
         * Whether the store loads its operations into Redis as a library of functions ({@code FUNCTION LOAD},
         * Redis 7 or later) and calls them with {@code FCALL}; default true. Redis then runs each call for
         * about 4 µs less than as a script. With false, or when Redis refuses {@code FUNCTION LOAD} (before
         * 7.0, or an ACL without it), the operations run as scripts with {@code EVALSHA}.
         */
        public Builder functions(boolean functions) {
            this.functions = functions;
            return this;
        }

        /**
         * The store. It does not connect yet: the first call does, so that an application starts while
         * Redis is down.
         *
         * @throws IllegalStateException when no source was given
         */
        public RedisStore build() {
            if (source == null) {
                throw new IllegalStateException("say where Redis is: uri(...), cluster(...), client(...) or connection(...)");
            }
            Scripts scripts = new Scripts(functions);
            Clients clients = new Clients(commandTimeout, connectTimeout, maxReconnectDelay);
            if (uri != null) {
                return new RedisStore(this, clients.standalone(uri, scripts), scripts, uri.toString());
            }
            if (seeds != null) {
                return new RedisStore(this, clients.cluster(seeds, scripts), scripts, "cluster " + seeds);
            }
            if (client != null) {
                return new RedisStore(this, clients.onClient(client, scripts), scripts, "the application's Redis client");
            }
            if (clusterClient != null) {
                return new RedisStore(this, clients.onClient(clusterClient, scripts), scripts,
                        "the application's Redis Cluster client");
            }
            return new RedisStore(this, clients.onConnection(connection != null ? connection : clusterConnection, scripts),
                    scripts, "the application's Redis connection");
        }

        private void source(String name) {
            if (source != null) {
                throw new IllegalStateException("Redis is already given by " + source + "(...); give it once");
            }
            source = name;
        }

        private static Duration positive(Duration duration, String name) {
            Wire.positiveMillis(duration, name);
            return duration;
        }

        private static boolean printable(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || Character.isSurrogate(c)) {
                    return false;
                }
            }
            return true;
        }
    }
}
