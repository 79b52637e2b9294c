package dev.idem.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.idem.Idem;
import dev.idem.IdempotentMethod;
import dev.idem.annotation.IdempotencyDeferredException;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.RecordState;
import dev.idem.store.jdbc.JdbcStore;
import dev.idem.store.redis.RedisStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Idem's deferred jobs in a fresh namespace of a store: PostgreSQL tables under a new prefix, or Redis keys
 * under a new prefix. Jobs are made by the engine's real path: {@link NoOpJob#run} is called through
 * {@link IdempotentMethod#invoke} while it fails, so each call is deferred (claimed under a new job key,
 * then stored as {@code SCHEDULED} with its invocation and due about 1 ms later), as a call whose
 * dependency is down would be. Used by one thread; preparing runs calls on a few threads of its own.
 */
final class IdemBacklog implements JobBacklog {

    private static final int PREPARE_THREADS = 16;

    private final JobSystem system;
    private final String location;
    private final IdempotencyStore store;
    private final Runnable cleanUp;

    private IdemBacklog(JobSystem system, String location, IdempotencyStore store, Runnable cleanUp) {
        this.system = system;
        this.location = location;
        this.store = store;
        this.cleanUp = cleanUp;
    }

    /** New tables under a prefix of their own; closing drops them. */
    static IdemBacklog postgres() {
        String prefix = "bdj_" + UUID.randomUUID().toString().substring(0, 8) + "_";
        HikariDataSource pool = BenchEndpoints.postgresPool("bench-coordinator", PREPARE_THREADS);
        JdbcStore store = JdbcStore.builder().dataSource(pool).tablePrefix(prefix).createSchema(true).build();
        return new IdemBacklog(JobSystem.IDEM_POSTGRES, prefix, store, () -> {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("DROP TABLE IF EXISTS " + prefix + "records, " + prefix + "history, " + prefix + "steps");
            } catch (SQLException e) {
                throw new IllegalStateException("could not drop the tables " + prefix + "*", e);
            } finally {
                pool.close();
            }
        });
    }

    /** Keys under a prefix of their own; closing deletes them. */
    static IdemBacklog redis() {
        String prefix = "bdj-" + UUID.randomUUID().toString().substring(0, 8);
        RedisClient client = RedisClient.create(BenchEndpoints.redisUri());
        StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        RedisStore store = RedisStore.builder().connection(connection).keyPrefix(prefix).build();
        return new IdemBacklog(JobSystem.IDEM_REDIS, prefix, store, () -> {
            try {
                deleteKeys(connection.sync(), prefix);
            } finally {
                connection.close();
                client.shutdown();
            }
        });
    }

    @Override
    public JobSystem system() {
        return system;
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public void prepare(int jobs) throws Exception {
        try (Idem idem = Idem.builder().store(store).node("bench-coordinator").build()) {
            IdempotentMethod method = idem.method(NoOpJob.class.getDeclaredMethod("run", long.class));
            NoOpJob.deferring = true;
            ExecutorService callers = Executors.newFixedThreadPool(PREPARE_THREADS);
            try {
                AtomicInteger next = new AtomicInteger();
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < PREPARE_THREADS; t++) {
                    done.add(callers.submit(() -> {
                        for (int job = next.getAndIncrement(); job < jobs; job = next.getAndIncrement()) {
                            defer(method, job);
                        }
                        return null;
                    }));
                }
                for (Future<?> caller : done) {
                    caller.get();
                }
            } finally {
                callers.shutdownNow();
                NoOpJob.deferring = false;
            }
        }
        Map<RecordState, Long> counts = store.countByState();
        if (!counts.equals(Map.of(RecordState.SCHEDULED, (long) jobs))) {
            throw new IllegalStateException(system.label + ": " + jobs + " deferred calls left " + counts
                    + " instead of " + jobs + " SCHEDULED records");
        }
    }

    private static void defer(IdempotentMethod method, long job) {
        try {
            method.invoke(null, new Object[] {job}, () -> {
                NoOpJob.run(job);
                return null;
            });
        } catch (IdempotencyDeferredException expected) {
            return;
        } catch (Throwable e) {
            throw new IllegalStateException("the call of job " + job + " was not deferred", e);
        }
        throw new IllegalStateException("the call of job " + job + " ran instead of failing and being deferred");
    }

    @Override
    public long pending() {
        Map<RecordState, Long> counts = store.countByState();
        return counts.getOrDefault(RecordState.SCHEDULED, 0L) + counts.getOrDefault(RecordState.IN_PROGRESS, 0L);
    }

    @Override
    public void verifyAllDone(int jobs) {
        Map<RecordState, Long> counts = store.countByState();
        if (!counts.equals(Map.of(RecordState.COMPLETED, (long) jobs))) {
            throw new IllegalStateException(system.label + ": the records are " + counts + " instead of " + jobs
                    + " COMPLETED");
        }
    }

    @Override
    public void close() {
        try {
            store.close();
        } finally {
            cleanUp.run();
        }
    }

    private static void deleteKeys(RedisCommands<byte[], byte[]> redis, String prefix) {
        ScanArgs match = ScanArgs.Builder.matches(prefix + "{*").limit(1000);
        ScanCursor cursor = ScanCursor.INITIAL;
        do {
            KeyScanCursor<byte[]> page = redis.scan(cursor, match);
            if (!page.getKeys().isEmpty()) {
                redis.unlink(page.getKeys().toArray(new byte[0][]));
            }
            cursor = page;
        } while (!cursor.isFinished());
    }
}
