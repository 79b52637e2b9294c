package dev.idem.store.jdbc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Writes that callers make at the same time, written together: the way a database groups commits. A caller
 * that finds nothing in flight writes its own at once, so a lone caller waits for nothing more than its
 * statement. A caller that arrives while writes are in flight queues; the next one to arrive, while fewer
 * than {@code maxInFlight} statements are in flight, writes itself and the queue as a group, so that a
 * statement more is in flight only for a group; and when a statement ends, the first caller queued writes
 * the queue. A group holds up to {@code maxGroup} writes with distinct keys, and each caller gets its own
 * answer. When a group's statement fails, its writes are retried one by one, so that a write that cannot
 * be made fails alone. Thread-safe.
 *
 * @param <T> a write
 * @param <R> the answer to one write
 */
final class GroupedWrites<T, R> {

    /** Writes a group in one atomic step; answers, in the group's order, the answer to each write. */
    @FunctionalInterface
    interface Writer<T, R> {
        List<R> write(List<T> group);
    }

    private enum Turn { WRITTEN, LEAD }

    private static final class Pending<T, R> {
        final T write;
        final String key;
        final CompletableFuture<Turn> turn = new CompletableFuture<>();
        R answer;
        RuntimeException failure;

        Pending(T write, String key) {
            this.write = write;
            this.key = key;
        }
    }

    private final int maxGroup;
    private final Writer<T, R> writer;
    private final Function<T, String> keyOf;
    private final Object lock = new Object();
    private final ArrayDeque<Pending<T, R>> queue = new ArrayDeque<>();
    private final int maxInFlight;
    private int inFlight;

    GroupedWrites(int maxGroup, int maxInFlight, Function<T, String> keyOf, Writer<T, R> writer) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("maxGroup must be at least 1: " + maxGroup);
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
        }
        this.maxGroup = maxGroup;
        this.maxInFlight = maxInFlight;
        this.keyOf = keyOf;
        this.writer = writer;
    }

    /**
     * Makes {@code write}, alone or in a group, and answers what the writer answered for it; throws what
     * writing it threw. Waits, without giving in to interrupts, until it has been written: a write that was
     * handed over cannot be taken back.
     */
    R submit(T write) {
        Pending<T, R> mine = new Pending<>(write, keyOf.apply(write));
        boolean lead;
        synchronized (lock) {
            lead = inFlight == 0 || inFlight < maxInFlight && !queue.isEmpty();
            if (lead) {
                inFlight++;
            } else {
                queue.add(mine);
            }
        }
        if (!lead && mine.turn.join() == Turn.WRITTEN) {
            return answer(mine);
        }
        writeGroupWith(mine);
        return answer(mine);
    }

    /** How many writes wait for those in flight. */
    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private R answer(Pending<T, R> pending) {
        if (pending.failure != null) {
            throw pending.failure;
        }
        return pending.answer;
    }

    private void writeGroupWith(Pending<T, R> leader) {
        List<Pending<T, R>> group = take(leader);
        try {
            write(group);
        } finally {
            Pending<T, R> next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null) {
                    inFlight--;
                } else {
                    queue.poll();
                }
            }
            for (Pending<T, R> pending : group) {
                if (pending != leader) {
                    pending.turn.complete(Turn.WRITTEN);
                }
            }
            if (next != null) {
                next.turn.complete(Turn.LEAD);
            }
        }
    }

    /** The leader and the queued writes after it, up to a group, leaving writes whose key is already taken. */
    private List<Pending<T, R>> take(Pending<T, R> leader) {
        List<Pending<T, R>> group = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        group.add(leader);
        keys.add(leader.key);
        synchronized (lock) {
            for (Iterator<Pending<T, R>> it = queue.iterator(); it.hasNext() && group.size() < maxGroup; ) {
                Pending<T, R> pending = it.next();
                if (keys.add(pending.key)) {
                    group.add(pending);
                    it.remove();
                }
            }
        }
        return group;
    }

    private void write(List<Pending<T, R>> group) {
        List<T> writes = new ArrayList<>(group.size());
        for (Pending<T, R> pending : group) {
            writes.add(pending.write);
        }
        try {
            List<R> answers = answers(writes);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).answer = answers.get(i);
            }
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).failure = e;
                return;
            }
            for (Pending<T, R> pending : group) {
                try {
                    pending.answer = answers(List.of(pending.write)).get(0);
                } catch (RuntimeException alone) {
                    pending.failure = alone;
                }
            }
        } catch (Error e) {
            for (Pending<T, R> pending : group) {
                pending.failure = new IllegalStateException("writing a group of " + group.size() + " failed", e);
            }
            throw e;
        }
    }

    private List<R> answers(List<T> writes) {
        List<R> answers = writer.write(writes);
        if (answers.size() != writes.size()) {
            throw new IllegalStateException("a group of " + writes.size() + " writes got " + answers.size()
                    + " answers");
        }
        return answers;
    }
}
