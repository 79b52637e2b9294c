package dev.idem.bench;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.redis.RedisStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Redis's own work per first call, counted in instructions by valgrind's callgrind: the same contenders as
 * {@link StoreBenchmark}'s Redis rows (the store, the baseline and the three floors),
 * one after the other on one connection, each counted over the same number of first calls on fresh keys.
 * An instruction count is the same from run to run whatever else the machine does, so it shows a change of
 * a few percent in the scripts that a throughput run on a shared machine cannot; it leaves out the kernel's
 * work (the network), which is the same for every contender. Run by {@code bench/redis-call-cost.sh}, which
 * starts the Redis under callgrind; not thread-safe.
 *
 * <p>Arguments: the Redis URI, the pid of valgrind's Redis, the folder of its callgrind dumps, and the
 * first calls counted per contender.
 */
public final class RedisCallCost {

    private static final int WARM_UP_CALLS = 200;

    private RedisCallCost() {
    }

    /** Counts and prints a Markdown table: instructions per first call, and each as a multiple of the baseline's. */
    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("arguments: redis-uri valgrind-pid dump-folder calls");
        }
        String pid = args[1];
        Path dumps = Path.of(args[2]);
        int calls = Integer.parseInt(args[3]);
        String prefix = "cost" + UUID.randomUUID().toString().substring(0, 4);
        RedisClient client = RedisClient.create(args[0]);
        client.setDefaultTimeout(Duration.ofMinutes(1));
        try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE)) {
            RedisCommands<byte[], byte[]> redis = connection.sync();
            String floorUnavailable = RedisStoreBenchmark.loadFloor(redis);
            if (floorUnavailable != null) {
                throw new IllegalStateException(floorUnavailable);
            }
            try (IdempotencyStore store = RedisStore.builder().connection(connection).keyPrefix(prefix)
                    .commandTimeout(Duration.ofMinutes(1)).build()) {
                List<LoadHarness.Contender> contenders = RedisStoreBenchmark.contenders(redis, store, prefix, true);
                String[] names = {"Idem (claim + complete)", "baseline (SET NX PX, SET XX PX)",
                    "script floor (the two SETs as functions)", "contract floor (two functions)",
                    "string floor (the contract floor, its record a plain string)"};
                long[] perCall = new long[contenders.size()];
                for (int i = 0; i < contenders.size(); i++) {
                    perCall[i] = count(contenders.get(i), pid, dumps, calls) / calls;
                }
                System.out.println("| first call | Redis instructions | × baseline |");
                System.out.println("|---|---:|---:|");
                for (int i = 0; i < perCall.length; i++) {
                    System.out.printf(Locale.ROOT, "| %s | %,d | %.1f |%n", names[i], perCall[i],
                            perCall[i] / (double) perCall[1]);
                }
                System.out.printf("(%,d first calls per contender on fresh keys, after %d not counted; Redis %s)%n", calls,
                        WARM_UP_CALLS, version(redis));
            }
            RedisStoreBenchmark.unloadFloor(redis);
            RedisStoreBenchmark.deleteKeys(redis, prefix);
        } finally {
            client.shutdown();
        }
    }

    private static String version(RedisCommands<byte[], byte[]> redis) {
        return redis.info("server").lines().filter(line -> line.startsWith("redis_version:"))
                .map(line -> line.substring("redis_version:".length()).trim()).findFirst().orElse("of unknown version");
    }

    /** The instructions Redis runs for {@code calls} first calls of the contender. */
    private static long count(LoadHarness.Contender contender, String pid, Path dumps, int calls) throws Exception {
        String keys = contender.keyPrefix() + UUID.randomUUID().toString().substring(0, 4) + "-";
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            contender.operation().run(keys + "w" + i);
        }
        callgrind("--instr=on", pid);
        for (int i = 0; i < calls; i++) {
            contender.operation().run(keys + i);
        }
        callgrind("--instr=off", pid);
        callgrind("--dump", pid);
        return totals(newest(dumps));
    }

    private static void callgrind(String command, String pid) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("callgrind_control", command, pid).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("callgrind_control " + command + " " + pid + " failed");
        }
    }

    private static Path newest(Path dumps) throws IOException {
        try (Stream<Path> files = Files.list(dumps)) {
            return files.max((a, b) -> Long.compare(a.toFile().lastModified(), b.toFile().lastModified()))
                    .orElseThrow(() -> new IllegalStateException("callgrind wrote no dump in " + dumps));
        }
    }

    private static long totals(Path dump) throws IOException {
        try (Stream<String> lines = Files.lines(dump)) {
            return lines.filter(line -> line.startsWith("totals:")).findFirst()
                    .map(line -> Long.parseLong(line.substring("totals:".length()).trim()))
                    .orElseThrow(() -> new IllegalStateException("no totals in " + dump));
        }
    }
}
