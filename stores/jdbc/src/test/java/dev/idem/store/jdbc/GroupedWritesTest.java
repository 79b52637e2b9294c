package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Writes made while as many as may be are in flight are written together, each caller gets its own answer,
 * every write is made once, keys are never repeated in a group, and a group that fails is written again one
 * by one. Threads are held inside the writer with latches, so which writes share a group is certain.
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

    private List<Boolean> record(List<Write> group) {
        groups.add(group.stream().map(Write::key).toList());
        return group.stream().map(Write::valid).toList();
    }

    @Test
    void aLoneWriteIsWrittenAtOnceAndAlone() {
        GroupedWrites<Write, Boolean> writes = new GroupedWrites<>(8, 1, Write::key, this::record);

        assertThat(writes.submit(new Write("a", true))).isTrue();
        assertThat(writes.submit(new Write("b", false))).isFalse();

        assertThat(groups).containsExactly(List.of("a"), List.of("b"));
    }

    @Test
    void writesMadeWhileOneIsInFlightAreWrittenTogetherAndEachGetsItsOwnAnswer() throws Exception {
        HeldFirst held = new HeldFirst(32, this::record);
        List<Write> writes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            writes.add(new Write("k" + i, i % 3 != 0));
        }
        List<Future<Boolean>> queued = held.queue(writes);
        held.release();

        for (int i = 0; i < 10; i++) {
            assertThat(queued.get(i).get(10, TimeUnit.SECONDS)).as("k" + i).isEqualTo(i % 3 != 0);
        }
        assertThat(groups).containsExactly(List.of("first"),
                List.of("k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9"));
        assertThat(held.writes.queued()).isZero();
    }

    @Test
    void aGroupHoldsAtMostMaxGroupWritesAndNeverTheSameKeyTwice() throws Exception {
        HeldFirst held = new HeldFirst(3, this::record);
        List<Future<Boolean>> queued = held.queue(List.of(new Write("x", true), new Write("x", true),
                new Write("y", true), new Write("z", true), new Write("w", true)));
        held.release();

        for (Future<Boolean> write : queued) {
            assertThat(write.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(groups).containsExactly(List.of("first"), List.of("x", "y", "z"), List.of("x", "w"));
    }

    @Test
    void aGroupThatFailsIsWrittenAgainOneByOneSoThatOnlyTheBadWriteFails() throws Exception {
        HeldFirst held = new HeldFirst(32, group -> {
            if (group.stream().anyMatch(write -> write.key().equals("bad"))) {
                throw new IllegalStateException("the database refused key 'bad'");
            }
            return record(group);
        });
        List<Future<Boolean>> queued = held.queue(List.of(new Write("a", true), new Write("bad", true),
                new Write("b", true)));
        held.release();

        assertThat(queued.get(0).get(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> queued.get(1).get(10, TimeUnit.SECONDS)).hasRootCauseInstanceOf(IllegalStateException.class)
                .hasRootCauseMessage("the database refused key 'bad'");
        assertThat(queued.get(2).get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(groups).containsExactly(List.of("first"), List.of("a"), List.of("b"));
    }

    @Test
    void aWriteMadeWhileOthersAreInFlightGoesInFlightOnlyWithAQueuedOneAndOnlyUpToMaxInFlight() throws Exception {
        Map<String, CountDownLatch> inFlight = Map.of("held-1", new CountDownLatch(1), "held-2", new CountDownLatch(1));
        Map<String, CountDownLatch> released = Map.of("held-1", new CountDownLatch(1), "held-2", new CountDownLatch(1));
        GroupedWrites<Write, Boolean> writes = new GroupedWrites<>(32, 2, Write::key, group -> {
            List<Boolean> answers = record(group);
            String first = group.get(0).key();
            if (released.containsKey(first)) {
                inFlight.get(first).countDown();
                pass(released.get(first));
            }
            return answers;
        });
        Future<Boolean> firstHeld = callers.submit(() -> writes.submit(new Write("held-1", true)));
        pass(inFlight.get("held-1"));
        Future<Boolean> a = callers.submit(() -> writes.submit(new Write("a", true)));
        await().atMost(Duration.ofSeconds(10)).until(() -> writes.queued() == 1);
        Future<Boolean> secondHeld = callers.submit(() -> writes.submit(new Write("held-2", true)));
        pass(inFlight.get("held-2"));
        assertThat(writes.queued()).as("a went in flight with held-2").isZero();
        List<Future<Boolean>> queued = new ArrayList<>();
        for (String key : List.of("c", "d", "e")) {
            queued.add(callers.submit(() -> writes.submit(new Write(key, true))));
            int expected = queued.size();
            await().atMost(Duration.ofSeconds(10)).until(() -> writes.queued() == expected);
        }
        released.get("held-1").countDown();
        for (Future<Boolean> write : queued) {
            assertThat(write.get(10, TimeUnit.SECONDS)).isTrue();
        }
        released.get("held-2").countDown();

        assertThat(firstHeld.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(secondHeld.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(a.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(groups).containsExactly(List.of("held-1"), List.of("held-2", "a"), List.of("c", "d", "e"));
        assertThat(writes.queued()).isZero();
    }

    @ParameterizedTest(name = "{0} in flight")
    @ValueSource(ints = {1, 3})
    void sixtyFourThreadsWritingAtOnceEachGetTheirOwnAnswersAndEveryWriteIsMadeOnce(int maxInFlight) throws Exception {
        Map<String, Integer> timesWritten = new ConcurrentHashMap<>();
        GroupedWrites<Write, Boolean> writes = new GroupedWrites<>(16, maxInFlight, Write::key, group -> {
            group.forEach(write -> timesWritten.merge(write.key(), 1, Integer::sum));
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
        assertThat(timesWritten).hasSize(64 * 50).allSatisfy((key, times) -> assertThat(times).as(key).isEqualTo(1));
        assertThat(groups).allSatisfy(group -> assertThat(group).hasSizeLessThanOrEqualTo(16).doesNotHaveDuplicates());
        assertThat(writes.queued()).isZero();
    }

    /**
     * Grouped writes whose first write, key "first", is held inside the writer until {@link #release()}, so
     * that writes made meanwhile certainly queue behind it; the writer then does {@code rest}.
     */
    private final class HeldFirst {
        final CountDownLatch inFlight = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final GroupedWrites<Write, Boolean> writes;
        final Future<Boolean> first;

        HeldFirst(int maxGroup, GroupedWrites.Writer<Write, Boolean> rest) {
            writes = new GroupedWrites<>(maxGroup, 1, Write::key, group -> {
                if (group.get(0).key().equals("first")) {
                    inFlight.countDown();
                    pass(released);
                }
                return rest.write(group);
            });
            first = callers.submit(() -> writes.submit(new Write("first", true)));
            pass(inFlight);
        }

        /** Makes the writes one after the other, each queued before the next is made. */
        List<Future<Boolean>> queue(List<Write> queued) {
            List<Future<Boolean>> answers = new ArrayList<>();
            for (Write write : queued) {
                answers.add(callers.submit(() -> writes.submit(write)));
                int expected = answers.size();
                await().atMost(Duration.ofSeconds(10)).until(() -> writes.queued() == expected);
            }
            return answers;
        }

        void release() throws Exception {
            released.countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
        }
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
