package dev.idem.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import dev.idem.store.DueJob;
import dev.idem.store.ErrorInfo;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.store.IdempotencyRecord;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The store contract on a Redis Cluster of three masters, with two independent store clients, and what
 * only a cluster shows: records on every master, and operations that walk every bucket.
 */
class RedisClusterStoreContractTest extends RedisContractTestBase {

    @Override
    TestRedis connectRedis() {
        return TestRedis.cluster();
    }

    @Override
    RedisStore.Builder builder() {
        return RedisStore.builder().cluster(TestRedis.CLUSTER_URLS);
    }

    @Test
    void recordsSpreadOverEveryMasterAndListingsAndDueJobsWalkThemAll() {
        String namespace = "spread-" + UUID.randomUUID();
        Set<String> masters = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < 48; i++) {
            String key = namespace + ":job-" + i;
            ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "n", null));
            store.fail(new Failure(key, claimed.token(), new FailureOutcome.Schedule(Duration.ZERO,
                    ("job " + i).getBytes(StandardCharsets.UTF_8)), new ErrorInfo("E", null), Duration.ZERO, "n"));
            masters.add(redis.masterOf(recordKey(key)));
            keys.add(key);
        }
        assertThat(masters).hasSize(TestRedis.CLUSTER_URLS.size());

        assertThat(store.list(new RecordQuery(RecordState.SCHEDULED, null, null, namespace + ":", 100)))
                .extracting(IdempotencyRecord::key).containsExactlyInAnyOrderElementsOf(keys);
        List<DueJob> jobs = otherClient.claimDue(100, LEASE, "worker");
        assertThat(jobs).extracting(DueJob::key).filteredOn(key -> key.startsWith(namespace)).hasSameElementsAs(keys);
        assertThat(store.list(new RecordQuery(RecordState.IN_PROGRESS, null, null, namespace + ":", 100)))
                .hasSize(keys.size()).allSatisfy(record -> assertThat(record.owner()).isEqualTo("worker"));
        assertThat(store.countByState().get(RecordState.IN_PROGRESS)).isGreaterThanOrEqualTo(keys.size());
    }

    @Test
    void scriptsAndFunctionsFlushedOnEveryMasterAreLoadedAgainByTheCallsThatNeedThem() {
        String namespace = "flushed-" + UUID.randomUUID();
        redis.commands().scriptFlush();
        redis.flushFunctions();
        for (int i = 0; i < 12; i++) {
            String key = namespace + ":" + i;
            ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "n", null));
            assertThat(store.complete(new Completion(key, claimed.token(), new byte[] {1}, TTL, Duration.ZERO, "n"))).isTrue();
        }
        assertThat(store.list(new RecordQuery(RecordState.COMPLETED, null, null, namespace + ":", 100))).hasSize(12);
    }

    /** Replaces the record by a string that is not one, as another program writing to the same key would. */
    @Override
    protected void corrupt(String key) {
        redis.commands().set(recordKey(key), "not a record", SetArgs.Builder.px(3_600_000));
    }
}
