package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Writes made while another is in flight are written together, each caller gets its own answer, keys are
 * never repeated in a group, and a group that fails is written again one by one. Threads are held inside
 * the writer with latches, so which writes share a group is certain.
 */
class GroupedWritesTest {

    /** A write: its key, and whether the writer makes it (a stale token is not made). */
    private record Write(String key, boolean valid) {
    }

    private final List<List<String>> groups = Collections.synchronizedList(new ArrayList<>());
    private final ExecutorService callers = Executors.newCachedThreadPool();

    @AfterEach
    void stopCallers() throws InterruptedException {
        callers.shutdownNow();
        assertThat(callers.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private boolean[] record(List<Write> group) {
        groups.add(group.stream().map(Write::key).toList());
        boolean[] made = new boolean[group.size()];
        for (int i = 0; i < made.length; i++) {
            made[i] = group.get(i).valid();
        }
        return made;
    }

    @Test
    void aLoneWriteIsWrittenAtOnceAndAlone() {
        GroupedWrites<Write> writes = new GroupedWrites<>(8, Write::key, this::record);

        assertThat(writes.submit(new Write("a", true))).isTrue();
        assertThat(writes.submit(new Write("b", false))).isFalse();

        assertThat(groups).containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void writesMadeWhileOneIsInFlightAreWrittenTogetherAndEachGetsItsOwnAnswer() throws Exception {
        CountDownLatch firstInFlight = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        GroupedWrites<Write> writes = new GroupedWrites<>(32, Write::key, group -> {
            if (group.get(0).key().equals("first")) {
                firstInFlight.countDown();
                pass(releaseFirst);
            }
            return record(group);
        });
        Future<Boolean> first = callers.submit(() -> writes.submit(new Write("first", true)));
        pass(firstInFlight);
        List<Future<Boolean>> queued = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Write write = new Write("k" + i, i % 3 != 0);
            queued.add(callers.submit(() -> writes.submit(write)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> writes.queued() == 10);
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 10; i++) {
            assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).as("k" + i).isEqualTo(i % 3 != 0);
        }
        assertThat(groups).hasSize(2);
        assertThat(groups.get(0)).containsExactly("first");
        assertThat(groups.get(1)).containsExactlyInAnyOrder("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9");
        assertThat(writes.queued()).isZero();
    }

    @Test
    void aGroupHoldsAtMostMaxGroupWritesAndNeverTheSameKeyTwice() throws Exception {
        CountDownLatch firstInFlight = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        GroupedWrites<Write> writes = new GroupedWrites<>(3, Write::key, group -> {
            if (group.get(0).key().equals("first")) {
                firstInFlight.countDown();
                pass(releaseFirst);
            }
            return record(group);
        });
        Future<Boolean> first = callers.submit(() -> writes.submit(new Write("first", true)));
        pass(firstInFlight);
        List<Future<Boolean>> queued = new ArrayList<>();
        for (String key : List.of("x", "x", "y", "z", "w")) {
            queued.add(callers.submit(() -> writes.submit(new Write(key, true))));
            int expected = queued.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> writes.queued() == expected);
        }
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        for (Future<Boolean> write : queued) {
            assertThat(write.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(groups).hasSize(3);
        assertThat(groups.get(1)).containsExactly("x", "y", "z");
        assertThat(groups.get(2)).containsExactly("x", "w");
    }

    @Test
    void aGroupThatFailsIsWrittenAgainOneByOneSoThatOnlyTheBadWriteFails() throws Exception {
        CountDownLatch firstInFlight = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        GroupedWrites<Write> writes = new GroupedWrites<>(32, Write::key, group -> {
            if (group.get(0).key().equals("first")) {
                firstInFlight.countDown();
                pass(releaseFirst);
            }
            if (group.stream().anyMatch(write -> write.key().equals("bad"))) {
                throw new IllegalStateException("the database refused key 'bad'");
            }
            return record(group);
        });
        Future<Boolean> first = callers.submit(() -> writes.submit(new Write("first", true)));
        pass(firstInFlight);
        List<Future<Boolean>> queued = new ArrayList<>();
        for (String key : List.of("a", "bad", "b")) {
            queued.add(callers.submit(() -> writes.submit(new Write(key, true))));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> writes.queued() == 3);
        releaseFirst.countDown();

        assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(queued.get(0).get(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> queued.get(1).get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("the database refused key 'bad'");
        assertThat(queued.get(2).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(groups).containsExactly(List.of("first"), List.of("a"), List.of("b"));
    }

    @Test
    void sixtyFourThreadsWritingAtOnceEachGetTheirOwnAnswers() throws Exception {
        AtomicInteger written = new AtomicInteger();
        GroupedWrites<Write> writes = new GroupedWrites<>(16, Write::key, group -> {
            written.addAndGet(group.size());
            return record(group);
        });
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> threads = new ArrayList<>();
        for (int thread = 0; thread < 64; thread++) {
            int id = thread;
            threads.add(callers.submit(() -> {
                pass(start);
                int wrong = 0;
                for (int i = 0; i < 50; i++) {
                    boolean valid = (id + i) % 2 == 0;
                    if (writes.submit(new Write(id + "-" + i, valid)) != valid) {
                        wrong++;
                    }
                }
                return wrong;
            }));
        }
        start.countDown();

        for (Future<Integer> thread : threads) {
            assertThat(thread.get(60, TimeUnit.SECONDS)).as("answers that were not the caller's own").isZero();
        }
        assertThat(written).hasValue(64 * 50);
        assertThat(groups).allSatisfy(group -> assertThat(group).hasSizeLessThanOrEqualTo(16).doesNotHaveDuplicates());
        assertThat(writes.queued()).isZero();
    }

    private static void pass(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the latch was not released within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
