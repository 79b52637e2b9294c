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
 * that finds no write in flight writes its own at once, so a lone caller waits for nothing more than its
 * statement. Callers that arrive while a write is in flight queue; when it ends, the first of them writes
 * the queue, up to {@code maxGroup} writes with distinct keys, in one statement, and each caller gets its
 * own answer. When a group's statement fails, its writes are retried one by one, so that a write that
 * cannot be made fails alone. Thread-safe.
 *
 * @param <T> a write
 */
final class GroupedWrites<T> {

    /** Writes a group in one atomic step; answers, in order, whether each write was made. */
    @FunctionalInterface
    interface Writer<T> {
        boolean[] write(List<T> group);
    }

    private enum Turn { WRITTEN, LEAD }

    private static final class Pending<T> {
        final T write;
        final String key;
        final CompletableFuture<Turn> turn = new CompletableFuture<>();
        boolean made;
        RuntimeException failure;

        Pending(T write, String key) {
            this.write = write;
            this.key = key;
        }
    }

    private final int maxGroup;
    private final Writer<T> writer;
    private final Function<T, String> keyOf;
    private final Object lock = new Object();
    private final ArrayDeque<Pending<T>> queue = new ArrayDeque<>();
    private boolean writing;

    GroupedWrites(int maxGroup, Function<T, String> keyOf, Writer<T> writer) {
        if (maxGroup < 1) {
            throw new IllegalArgumentException("maxGroup must be at least 1: " + maxGroup);
        }
        this.maxGroup = maxGroup;
        this.keyOf = keyOf;
        this.writer = writer;
    }

    /**
     * Makes {@code write}, alone or in a group, and answers whether it was made; throws what writing it
     * threw. Waits, without giving in to interrupts, until it has been written: a write that was handed
     * over cannot be taken back.
     */
    boolean submit(T write) {
        Pending<T> mine = new Pending<>(write, keyOf.apply(write));
        boolean lead;
        synchronized (lock) {
            queue.add(mine);
            lead = !writing;
            writing = true;
        }
        if (!lead && mine.turn.join() == Turn.WRITTEN) {
            return answer(mine);
        }
        writeGroupWith(mine);
        return answer(mine);
    }

    /** How many writes wait for the one in flight. */
    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    private boolean answer(Pending<T> pending) {
        if (pending.failure != null) {
            throw pending.failure;
        }
        return pending.made;
    }

    private void writeGroupWith(Pending<T> leader) {
        List<Pending<T>> group = take(leader);
        try {
            write(group);
        } finally {
            Pending<T> next;
            synchronized (lock) {
                next = queue.peek();
                if (next == null) {
                    writing = false;
                } else {
                    queue.poll();
                }
            }
            for (Pending<T> pending : group) {
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
    private List<Pending<T>> take(Pending<T> leader) {
        List<Pending<T>> group = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        group.add(leader);
        keys.add(leader.key);
        synchronized (lock) {
            queue.remove(leader);
            for (Iterator<Pending<T>> it = queue.iterator(); it.hasNext() && group.size() < maxGroup; ) {
                Pending<T> pending = it.next();
                if (keys.add(pending.key)) {
                    group.add(pending);
                    it.remove();
                }
            }
        }
        return group;
    }

    private void write(List<Pending<T>> group) {
        List<T> writes = new ArrayList<>(group.size());
        for (Pending<T> pending : group) {
            writes.add(pending.write);
        }
        try {
            boolean[] made = writer.write(writes);
            for (int i = 0; i < group.size(); i++) {
                group.get(i).made = made[i];
            }
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                group.get(0).failure = e;
                return;
            }
            for (Pending<T> pending : group) {
                try {
                    pending.made = writer.write(List.of(pending.write))[0];
                } catch (RuntimeException alone) {
                    pending.failure = alone;
                }
            }
        } catch (Error e) {
            for (Pending<T> pending : group) {
                pending.failure = new IllegalStateException("writing a group of " + group.size() + " failed", e);
            }
            throw e;
        }
    }
}
