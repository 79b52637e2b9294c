package dev.idem.store.redis;

import dev.idem.store.RecordState;
import io.lettuce.core.cluster.SlotHash;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Where a record lives in Redis. Each key belongs to one of {@code buckets} buckets (CRC-32 of its UTF-8
 * bytes, modulo the bucket count); every Redis key of a bucket carries the bucket's hash tag, so that a
 * script only ever touches one cluster slot. Bucket {@code i}'s tag is the shortest string of
 * {@code [0-9a-z]} (first in that order) whose slot lies in the {@code i}-th of {@code buckets} equal slot
 * ranges, which spreads the buckets evenly over masters that own contiguous slot ranges, in one or two
 * characters. For prefix {@code idem} and tag {@code 7k}:
 *
 * <pre>
 * idem{7k}r:&lt;key&gt;          the record: one string (fields, small result, history)
 * idem{7k}v:&lt;key&gt;          the values hash (steps, invocation, large result), only when there are any
 * idem{7k}i:P .. idem{7k}i:D  per-state sorted sets of keys by update time, but none for completed
 * idem{7k}i:due             scheduled keys by next attempt
 * idem{7k}i:exp             failed and released keys by expiry
 * idem{7k}i:C               the completed index: the expiry periods (10 s each) that have a list
 * idem{7k}i:C:&lt;period&gt;      completed keys whose expiry falls in the period, each after its offset in it
 * </pre>
 *
 * <p>Key names are short because Redis keeps one per record: a name under 32 bytes takes 32 bytes of
 * memory, one of 32 to 44 bytes 48. The tag is the text between the first braces, so braces inside a key
 * do not change its slot. Immutable and thread-safe.
 */
final class Layout {

    /** The states with an index of their own, in the order of a bucket's index keys that every script expects. */
    static final RecordState[] INDEXED_STATES = {RecordState.IN_PROGRESS, RecordState.FAILED, RecordState.RELEASED,
            RecordState.SCHEDULED, RecordState.DEAD};

    static final int INDEX_KEYS = INDEXED_STATES.length + 3;
    static final int MAX_BUCKETS = 1024;

    private final String prefix;
    private final String[] tags;
    private final byte[][] recordPrefixes;
    private final byte[][] valuesPrefixes;
    private final byte[][][] indexKeys;

    Layout(String prefix, int buckets) {
        if (buckets < 1 || buckets > MAX_BUCKETS) {
            throw new IllegalArgumentException("buckets must be 1 to " + MAX_BUCKETS + ": " + buckets);
        }
        this.prefix = prefix;
        this.tags = new String[buckets];
        this.recordPrefixes = new byte[buckets][];
        this.valuesPrefixes = new byte[buckets][];
        this.indexKeys = new byte[buckets][][];
        for (int bucket = 0; bucket < buckets; bucket++) {
            tags[bucket] = tag(bucket, buckets);
            String base = prefix + "{" + tags[bucket] + "}";
            recordPrefixes[bucket] = Wire.utf8(base + "r:");
            valuesPrefixes[bucket] = Wire.utf8(base + "v:");
            byte[][] keys = new byte[INDEX_KEYS][];
            for (int i = 0; i < INDEXED_STATES.length; i++) {
                keys[i] = Wire.utf8(base + "i:" + Wire.code(INDEXED_STATES[i]));
            }
            keys[INDEX_KEYS - 3] = Wire.utf8(base + "i:due");
            keys[INDEX_KEYS - 2] = Wire.utf8(base + "i:exp");
            keys[INDEX_KEYS - 1] = Wire.utf8(base + "i:C");
            indexKeys[bucket] = keys;
        }
    }

    int buckets() {
        return tags.length;
    }

    String prefix() {
        return prefix;
    }

    String tag(int bucket) {
        return tags[bucket];
    }

    int bucket(String key) {
        CRC32 crc = new CRC32();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % tags.length);
    }

    byte[] recordPrefix(int bucket) {
        return recordPrefixes[bucket].clone();
    }

    byte[] valuesPrefix(int bucket) {
        return valuesPrefixes[bucket].clone();
    }

    /**
     * The keys a script on one record gets: the record and its bucket's in-progress index. The script takes
     * the member, the values key and the bucket's other indexes from those two names, as Redis spends about
     * a microsecond on every key and argument a call declares.
     */
    byte[][] recordScriptKeys(String key) {
        int bucket = bucket(key);
        return new byte[][] {concat(recordPrefixes[bucket], Wire.utf8(key)), indexKeys[bucket][0].clone()};
    }

    /** A bucket's index keys, in the order scripts expect. */
    byte[][] indexKeys(int bucket) {
        byte[][] keys = new byte[INDEX_KEYS][];
        for (int i = 0; i < INDEX_KEYS; i++) {
            keys[i] = indexKeys[bucket][i].clone();
        }
        return keys;
    }

    byte[] stateIndex(int bucket, RecordState state) {
        for (int i = 0; i < INDEXED_STATES.length; i++) {
            if (INDEXED_STATES[i] == state) {
                return indexKeys[bucket][i].clone();
            }
        }
        throw new IllegalArgumentException("no index for " + state);
    }

    byte[] dueIndex(int bucket) {
        return indexKeys[bucket][INDEX_KEYS - 3].clone();
    }

    /** The index a listing of {@code state} walks: the state's own, or the completed index. */
    byte[] listIndex(int bucket, RecordState state) {
        return state == RecordState.COMPLETED ? completedIndex(bucket) : stateIndex(bucket, state);
    }

    /** The completed index: the sorted set of the expiry periods whose lists hold completed keys. */
    byte[] completedIndex(int bucket) {
        return indexKeys[bucket][INDEX_KEYS - 1].clone();
    }

    private static String tag(int bucket, int buckets) {
        long from = (long) bucket * SlotHash.SLOT_COUNT / buckets;
        long to = (long) (bucket + 1) * SlotHash.SLOT_COUNT / buckets;
        for (int length = 1; ; length++) {
            long candidates = (long) Math.pow(Character.MAX_RADIX, length);
            for (long candidate = 0; candidate < candidates; candidate++) {
                String digits = Long.toString(candidate, Character.MAX_RADIX);
                String tag = "0".repeat(length - digits.length()) + digits;
                int slot = SlotHash.getSlot(tag);
                if (slot >= from && slot < to) {
                    return tag;
                }
            }
        }
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] joined = new byte[head.length + tail.length];
        System.arraycopy(head, 0, joined, 0, head.length);
        System.arraycopy(tail, 0, joined, head.length, tail.length);
        return joined;
    }
}
