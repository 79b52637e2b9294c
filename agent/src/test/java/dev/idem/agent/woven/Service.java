package dev.idem.agent.woven;

import dev.idem.annotation.Idempotent;
import dev.idem.annotation.Retryable;
import java.util.ArrayList;
import java.util.List;

/** Methods the weaver tests weave: one per kind of result, and bodies with loops, handlers and early returns. */
public class Service {

    /** Each run of a woven body, in order. */
    public final List<String> runs = new ArrayList<>();

    /** Not woven: constructors never are. */
    public Service() {
        runs.add("constructor");
    }

    @Idempotent(key = "#id")
    public int count(String id) {
        runs.add("count");
        return runs.size();
    }

    @Idempotent(key = "#id")
    public long sum(String id, long a, double b, int c) {
        runs.add("sum");
        long total = a + (long) b + c;
        return total;
    }

    @Idempotent(key = "#id")
    public void touch(String id) {
        runs.add("touch");
    }

    @Idempotent(key = "#id")
    public String name(String id) {
        runs.add("name");
        return "body";
    }

    @Idempotent(key = "#id")
    public int[] array(String id) {
        runs.add("array");
        return new int[] {1, 2};
    }

    @Idempotent
    public boolean flag(boolean value) {
        runs.add("flag");
        return !value;
    }

    @Idempotent
    public char letter(char value) {
        runs.add("letter");
        return (char) (value + 1);
    }

    @Idempotent
    public byte small(byte value) {
        runs.add("small");
        return (byte) (value + 1);
    }

    @Idempotent
    public short medium(short value) {
        runs.add("medium");
        return (short) (value + 1);
    }

    @Idempotent
    public float ratio(float value) {
        runs.add("ratio");
        return value / 2;
    }

    @Idempotent
    public double precise(double value) {
        runs.add("precise");
        return value * 2;
    }

    @Retryable
    public String flaky(int failures) {
        runs.add("flaky");
        if (runs.size() <= failures + 1) {
            throw new IllegalStateException("attempt " + (runs.size() - 1));
        }
        return "ok after " + (runs.size() - 1);
    }

    /** Assigns to its parameters before it fails: each attempt must start from the arguments it was called with. */
    @Retryable
    public String reassigns(String value, long number, int failures) {
        value = value + "x";
        number++;
        runs.add("reassigns");
        if (runs.size() <= failures + 1) {
            throw new IllegalStateException("attempt " + (runs.size() - 1));
        }
        return value + number;
    }

    /** A loop, a handler of its own and early returns, so the body's own frames are exercised. */
    @Idempotent
    public int branches(int n) {
        runs.add("branches");
        if (n < 0) {
            return -1;
        }
        int sum = 0;
        for (int i = 0; i < n; i++) {
            try {
                if (i == 2) {
                    throw new IllegalArgumentException("two");
                }
                sum += i;
            } catch (IllegalArgumentException e) {
                sum += 100;
            }
        }
        long wide = sum;
        return wide > 1000 ? 1000 : (int) wide;
    }

    /** Begins with a loop, so the body's first instruction is a branch target with a frame of its own. */
    @Idempotent
    public int countdown(int n) {
        while (n > 0) {
            n--;
        }
        runs.add("countdown");
        return n;
    }

    @Idempotent
    public static String echo(String value) {
        return "echo " + value;
    }

    /** Not annotated: woven only when a pointcut names it. */
    public String plain(String value) {
        runs.add("plain");
        return value;
    }

    /** Not annotated and not named by the pointcuts of the tests. */
    public String untouched(String value) {
        runs.add("untouched");
        return value;
    }
}
