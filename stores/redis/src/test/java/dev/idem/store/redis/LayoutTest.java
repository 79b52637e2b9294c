package dev.idem.store.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.store.RecordState;
import io.lettuce.core.cluster.SlotHash;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The key layout, without a server: one slot per record and bucket, buckets spread over the slots. */
class LayoutTest {

    private final Layout layout = new Layout("idem", 16);

    @Test
    void everyKeyOfARecordAndItsBucketSharesOneSlotWhateverBracesTheKeyHolds() {
        for (String key : List.of("payments:evt_1", "ns:{hash}tag", "ns:}{", "ns:{}", "ns:{a}{b}", "ns:ünï-🦄")) {
            int bucket = layout.bucket(key);
            int slot = SlotHash.getSlot(layout.tag(bucket));
            for (byte[] redisKey : layout.recordScriptKeys(key)) {
                assertThat(SlotHash.getSlot(redisKey)).as(Wire.string(redisKey)).isEqualTo(slot);
            }
            assertThat(Wire.string(layout.recordScriptKeys(key)[0])).isEqualTo("idem{" + layout.tag(bucket) + "}r:" + key);
            assertThat(layout.tag(bucket)).hasSizeBetween(1, 2);
        }
    }

    @Test
    void aRecordScriptGetsTheRecordAndTheInProgressIndexAndNamesTheOtherKeysAfterThem() {
        String[] others = {"F", "R", "S", "D", "due", "exp", "C"};
        for (String key : List.of("payments:evt_1", "ns:{hash}tag", "ns:ünï-🦄", "")) {
            int bucket = layout.bucket(key);
            byte[][] keys = layout.recordScriptKeys(key);
            byte[][] indexes = layout.indexKeys(bucket);
            assertThat(keys.length).isEqualTo(2);
            String record = Wire.string(keys[0]);
            String inProgress = Wire.string(keys[1]);
            assertThat(inProgress).isEqualTo(Wire.string(layout.stateIndex(bucket, RecordState.IN_PROGRESS))).endsWith("i:P");
            // as lib.lua's member_of and values_of name them, in bytes
            byte[] recordBytes = keys[0];
            byte[] member = Arrays.copyOfRange(recordBytes, keys[1].length - 1, recordBytes.length);
            assertThat(member).isEqualTo(Wire.utf8(key));
            assertThat(inProgress.substring(0, inProgress.length() - 3) + "v:" + key)
                    .isEqualTo("idem{" + layout.tag(bucket) + "}v:" + key);
            assertThat(record).isEqualTo("idem{" + layout.tag(bucket) + "}r:" + key);
            for (int i = 0; i < others.length; i++) {
                assertThat(Wire.string(indexes[i + 1]))
                        .isEqualTo(inProgress.substring(0, inProgress.length() - 1) + others[i]);
            }
        }
    }

    @Test
    void bucketTagsFallInEvenlySpacedSlotRanges() {
        Set<Integer> slots = new HashSet<>();
        for (int bucket = 0; bucket < 16; bucket++) {
            int slot = SlotHash.getSlot(layout.tag(bucket));
            assertThat(slot).isBetween(bucket * 1024, bucket * 1024 + 1023);
            slots.add(slot);
        }
        assertThat(slots).hasSize(16);
        assertThat(new Layout("other", 16).tag(5)).isEqualTo(layout.tag(5));
    }

    @Test
    void keysSpreadOverTheBuckets() {
        int[] perBucket = new int[16];
        for (int i = 0; i < 16_000; i++) {
            perBucket[layout.bucket("payments:evt_" + i)]++;
        }
        assertThat(Arrays.stream(perBucket).min().orElseThrow()).isGreaterThan(850);
        assertThat(Arrays.stream(perBucket).max().orElseThrow()).isLessThan(1150);
    }
}
