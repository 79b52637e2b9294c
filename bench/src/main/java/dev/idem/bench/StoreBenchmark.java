package dev.idem.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.jdbc.JdbcStore;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A store's claim + complete (a first call) side by side with the least equivalent hand-written work on
 * the same client or pool, at 1, 16 and 64 callers, in one run. PostgreSQL's baseline is
 * {@code INSERT ... ON CONFLICT DO NOTHING} then a fenced {@code UPDATE}; Redis's is {@code SET NX PX}
 * then {@code SET XX}. Idem and the baseline take turns in rounds of a second, after a warm-up of the
 * JIT ({@link LoadHarness}). Prints a Markdown table with ops/s, p50, p99 and the ratio.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.idem.bench.StoreBenchmark [postgres] [redis]
 * [seconds measured per cell and contender, 8 by default]}. Addresses come from
 * {@code IDEM_TEST_POSTGRES_URL} and {@code IDEM_TEST_REDIS_URL}.
 */
public final class StoreBenchmark {

    static final int[] CALLERS = {1, 16, 64};
    /** A typical receipt, 60 bytes: small enough for the Redis store to keep it in the record hash. */
    static final byte[] RESULT = "{\"id\":\"evt_1NirD82eZvKYlo2C\",\"amount\":4200,\"currency\":\"usd\"}"
            .getBytes(StandardCharsets.UTF_8);
    /** A fingerprint as the engine makes it: 128 bits of SHA-256, 32 hex characters. */
    static final String FINGERPRINT = "9f2c6d1e5b7a4c3f8e0d2b1a6c5e4f3a";
    static final Duration LEASE = Duration.ofSeconds(30);
    static final Duration TTL = Duration.ofHours(24);

    private StoreBenchmark() {
    }

    /** Runs the stores named in {@code args} (all by default). */
    public static void main(String[] args) throws Exception {
        List<String> stores = new ArrayList<>();
        long seconds = 8;
        for (String arg : args) {
            if (arg.matches("\\d+")) {
                seconds = Long.parseLong(arg);
            } else {
                stores.add(arg);
            }
        }
        if (stores.isEmpty()) {
            stores = List.of("postgres", "redis");
        }
        LoadHarness.Schedule schedule = LoadHarness.Schedule.ofSeconds(seconds);
        System.out.println(LoadHarness.header());
        for (String store : stores) {
            switch (store) {
                case "postgres":
                    postgres(schedule);
                    break;
                case "redis":
                    RedisStoreBenchmark.run(schedule);
                    break;
                default:
                    throw new IllegalArgumentException("unknown store " + store + "; use postgres or redis");
            }
        }
        System.out.printf("(each store warmed up for %d s; then per cell and contender %d rounds of %d ms, taking turns, "
                + "after %d not counted; %s %s; %d CPUs)%n", LoadHarness.WARM_UP_MILLIS / 1000, schedule.rounds(),
                schedule.roundMillis(), schedule.warmUpRounds(),
                System.getProperty("java.vm.name"), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors());
    }

    static void postgres(LoadHarness.Schedule schedule) throws Exception {
        String url = System.getenv().getOrDefault("IDEM_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(64);
        config.setPoolName("bench");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS bench_baseline (record_key VARCHAR(255) PRIMARY KEY, "
                        + "token BIGINT NOT NULL, state VARCHAR(16) NOT NULL, lease_until TIMESTAMPTZ, result BYTEA)");
            }
            IdempotencyStore store = JdbcStore.builder().dataSource(pool).tablePrefix("bench_").createSchema(true).build();
            try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
                statement.execute("TRUNCATE bench_baseline, bench_records, bench_history, bench_steps");
            }
            List<LoadHarness.Contender> contenders = List.of(
                    new LoadHarness.Contender("pg-idem-", key -> claimAndComplete(store, key)),
                    new LoadHarness.Contender("pg-base-", key -> {
                        insertIfAbsent(pool, key);
                        fencedUpdate(pool, key);
                    }));
            LoadHarness.warmUp(contenders);
            for (int callers : CALLERS) {
                List<LoadHarness.Result> results = LoadHarness.measure(callers, schedule, contenders);
                System.out.println(LoadHarness.row("PostgreSQL", callers, results.get(0), results.get(1)));
            }
            store.close();
        }
    }

    static void claimAndComplete(IdempotencyStore store, String key) {
        ClaimResult claim = store.claim(new ClaimRequest(key, FINGERPRINT, LEASE, "bench", null));
        if (!(claim instanceof ClaimResult.Claimed)) {
            throw new IllegalStateException("a fresh key was not claimed: " + claim);
        }
        if (!store.complete(new Completion(key, ((ClaimResult.Claimed) claim).token(), RESULT, TTL, Duration.ofMillis(1),
                "bench"))) {
            throw new IllegalStateException("the completion was refused");
        }
    }

    private static void insertIfAbsent(HikariDataSource pool, String key) throws Exception {
        try (Connection connection = pool.getConnection(); PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO bench_baseline (record_key, token, state, lease_until) VALUES (?, 1, 'IN_PROGRESS', "
                        + "now() + interval '30 seconds') ON CONFLICT DO NOTHING")) {
            insert.setString(1, key);
            if (insert.executeUpdate() != 1) {
                throw new IllegalStateException("a fresh key was not inserted");
            }
        }
    }

    private static void fencedUpdate(HikariDataSource pool, String key) throws Exception {
        try (Connection connection = pool.getConnection(); PreparedStatement update = connection.prepareStatement(
                "UPDATE bench_baseline SET state = 'COMPLETED', result = ?, lease_until = NULL "
                        + "WHERE record_key = ? AND token = 1 AND state = 'IN_PROGRESS'")) {
            update.setBytes(1, RESULT);
            update.setString(2, key);
            if (update.executeUpdate() != 1) {
                throw new IllegalStateException("the fenced update was refused");
            }
        }
    }
}
