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

    /**
     * Grouped writes whose first write, key "first", is held inside the writer until {@link #release()}, so
     * that writes made meanwhile certainly queue behind it; the writer then does {@code rest}.
     */
    private final class HeldFirst {
        final CountDownLatch inFlight = new CountDownLatch(1);
        final CountDownLatch released = new CountDownLatch(1);
        final GroupedWrites<Write> writes;
        final Future<Boolean> first;

        HeldFirst(int maxGroup, GroupedWrites.Writer<Write> rest) {
            writes = new GroupedWrites<>(maxGroup, Write::key, group -> {
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
