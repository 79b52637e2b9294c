package dev.idem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeysTest {

    private static final String NS = "payments";
    private static final String HASHED = "^payments:sha256:[0-9a-f]{64}$";

    private static String independentSha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Nested
    class ShortKeys {

        @Test
        void passThroughAsNamespaceColonKey() {
            Keys.StoreKey key = Keys.of(NS, "evt_1DHsSdKCFFPkgtRhy4YMdffC");

            assertThat(key.full()).isEqualTo("payments:evt_1DHsSdKCFFPkgtRhy4YMdffC");
            assertThat(key.original()).isNull();
            Keys.requireValid(key.full());
        }

        @Test
        void sqlLookingKeysAreDataAndKeptVerbatim() {
            String key = "'; DROP TABLE x; --";

            assertThat(Keys.of(NS, key).full()).isEqualTo("payments:'; DROP TABLE x; --");
            assertThat(Keys.of(NS, key).original()).isNull();
            assertThat(Keys.of(NS, "\" OR 1=1 --").full()).isEqualTo("payments:\" OR 1=1 --");
            assertThat(Keys.of(NS, "{user}:*?[abc]").full()).isEqualTo("payments:{user}:*?[abc]");
        }

        @ParameterizedTest
        @ValueSource(strings = {"💳-charge-🧾", "注文-12345", "заказ-42", "ключ", "مفتاح", "café", "a\u00a0b", "tab-free ✓"})
        void validUnicodeIsKeptAsIs(String key) {
            Keys.StoreKey storeKey = Keys.of(NS, key);

            assertThat(storeKey.full()).isEqualTo(NS + ":" + key);
            assertThat(storeKey.original()).isNull();
            Keys.requireValid(storeKey.full());
        }

        @Test
        void aKeyMakingTheFullKeyExactly255CharactersLongIsNotHashed() {
            String key = "k".repeat(Keys.MAX_LENGTH - NS.length() - 1);

            Keys.StoreKey storeKey = Keys.of(NS, key);

            assertThat(storeKey.full()).hasSize(255).isEqualTo(NS + ":" + key);
            assertThat(storeKey.original()).isNull();
        }

        @Test
        void lengthIsCountedInUtf16CharactersSoAnEmojiCountsTwice() {
            // 126 emoji = 252 chars; "payments:" + 252 = 261 > 255
            String emoji = "😀".repeat(126);
            assertThat(Keys.of(NS, emoji).full()).matches(HASHED);
            // 123 emoji = 246 chars; 9 + 246 = 255
            assertThat(Keys.of(NS, "😀".repeat(123)).full()).isEqualTo(NS + ":" + "😀".repeat(123));
        }
    }

    @Nested
    class HashedKeys {

        @Test
        void aKeyMakingTheFullKeyLongerThan255CharactersIsHashedAndTheOriginalKept() throws Exception {
            String key = "k".repeat(Keys.MAX_LENGTH - NS.length());

            Keys.StoreKey storeKey = Keys.of(NS, key);

            assertThat(storeKey.full()).matches(HASHED).isEqualTo(NS + ":sha256:" + independentSha256(key));
            assertThat(storeKey.original()).isEqualTo(key);
            Keys.requireValid(storeKey.full());
        }

        @Test
        void theOriginalIsShortenedTo1000Characters() throws Exception {
            String key = "0123456789".repeat(250);

            Keys.StoreKey storeKey = Keys.of(NS, key);

            assertThat(storeKey.full()).isEqualTo(NS + ":sha256:" + independentSha256(key));
            assertThat(storeKey.original()).hasSize(Keys.MAX_ORIGINAL_LENGTH).isEqualTo(key.substring(0, 1000));
        }

        @Test
        void theHashCoversTheWholeKeyNotOnlyTheKeptPrefix() {
            String prefix = "x".repeat(1500);

            Keys.StoreKey a = Keys.of(NS, prefix + "a");
            Keys.StoreKey b = Keys.of(NS, prefix + "b");

            assertThat(a.original()).isEqualTo(b.original());
            assertThat(a.full()).isNotEqualTo(b.full());
        }

        @Test
        void hashingIsDeterministicAndLowerCaseHex() throws Exception {
            String key = "y".repeat(300);
            assertThat(Keys.of(NS, key)).isEqualTo(Keys.of(NS, key));
            assertThat(Keys.sha256Hex("abc"))
                    .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
                    .isEqualTo(independentSha256("abc"));
        }

        @Test
        void aHashedKeyFitsEvenWithTheLongestNamespace() {
            String namespace = "n".repeat(Keys.MAX_NAMESPACE_LENGTH);

            Keys.StoreKey storeKey = Keys.of(namespace, "k".repeat(5000));

            assertThat(storeKey.full()).hasSize(Keys.MAX_NAMESPACE_LENGTH + 1 + 7 + 64);
            Keys.requireValid(storeKey.full());
        }

        @ParameterizedTest
        @ValueSource(strings = {"a\u0000b", "line\nbreak", "carriage\rreturn", "tab\there", "bell\u0007", "del\u007f",
            "esc\u001b[31m", "\u0000"})
        void controlCharactersAndNulAreHashed(String key) throws Exception {
            Keys.StoreKey storeKey = Keys.of(NS, key);

            assertThat(storeKey.full()).matches(HASHED).isEqualTo(NS + ":sha256:" + independentSha256(key));
            assertThat(storeKey.original()).isEqualTo(Keys.displayable(key)).doesNotContainPattern("[\\x00-\\x1f\\x7f]");
            Keys.requireValid(storeKey.full());
        }

        @Test
        void theKeptOriginalShowsControlCharactersAsEscapes() {
            assertThat(Keys.of(NS, "a\u0000b\nc").original()).isEqualTo("a\\u0000b\\u000ac");
            assertThat(Keys.of(NS, "x\ud800y").original()).isEqualTo("x\\ud800y");
            assertThat(Keys.of(NS, "\ud83d\ude00\u0085").original()).isEqualTo("\ud83d\ude00\\u0085");
        }

        @ParameterizedTest
        @ValueSource(strings = {"\ud800", "a\ud83d", "\ude00b", "x\udc00\ud800y", "\ud83d\ud83d"})
        void unpairedSurrogatesAreHashed(String key) {
            Keys.StoreKey storeKey = Keys.of(NS, key);

            assertThat(storeKey.full()).matches(HASHED);
            assertThat(storeKey.original()).isEqualTo(Keys.displayable(key));
            Keys.requireValid(storeKey.original());
            Keys.requireValid(storeKey.full());
        }

        /**
         * Keys are hashed from their UTF-8 bytes, but {@code String.getBytes(UTF_8)} replaces every unpaired surrogate
         * with {@code '?'}: the hash must be taken over a lossless encoding, or different keys share a record.
         */
        @Test
        void differentKeysWithUnpairedSurrogatesGetDifferentHashes() {
            Keys.StoreKey high = Keys.of(NS, "a\ud800");
            Keys.StoreKey low = Keys.of(NS, "a\udc00");
            assertThat(high.full()).matches(HASHED);
            assertThat(low.full()).matches(HASHED);
            assertThat(high.full()).as("lone surrogates with different values must not share a hash")
                    .isNotEqualTo(low.full());

            String longPrintable = "x".repeat(300) + "?";
            String longWithSurrogate = "x".repeat(300) + "\ud800";
            assertThat(Keys.of(NS, longWithSurrogate).full())
                    .as("a long key ending in a lone surrogate must not share the record of the same key ending in '?'")
                    .isNotEqualTo(Keys.of(NS, longPrintable).full());
        }

        /**
         * The one rule that maps (namespace, key) to a full key must be one-to-one, else two different keys share a
         * record: the second caller gets the first caller's result. A caller-chosen key that spells out the hashed form
         * of another, long key must not land on that key's record.
         */
        @Test
        void aKeyThatSpellsOutAHashedFormDoesNotCollideWithTheLongKeyItNames() {
            String longKey = "customer-supplied-" + "z".repeat(400);
            Keys.StoreKey hashed = Keys.of(NS, longKey);
            String forged = hashed.full().substring(NS.length() + 1);
            assertThat(forged).startsWith("sha256:").hasSize(71);

            Keys.StoreKey forgedKey = Keys.of(NS, forged);

            assertThat(forgedKey.full()).as("a short key that looks like a hash must not share the long key's record")
                    .isNotEqualTo(hashed.full());
        }

        /**
         * Namespace "payments" with key "refunds:42" and namespace "payments:refunds" with key "42" are different calls
         * of different methods; they must not share a full key (either ':' is refused in a namespace, or it is escaped).
         */
        @Test
        void aNamespaceWithAColonDoesNotCollideWithAnotherNamespacesKeys() {
            Throwable refused = catchThrowable(() -> Keys.requireNamespace("payments:refunds"));
            if (refused != null) {
                assertThat(refused).isInstanceOf(IllegalArgumentException.class);
                return;
            }
            assertThat(Keys.of("payments:refunds", "42").full())
                    .isNotEqualTo(Keys.of("payments", "refunds:42").full());
        }

        /** The shortened original goes to the store beside the hash; cutting it must not split a surrogate pair. */
        @Test
        void shorteningTheOriginalNeverSplitsASurrogatePair() {
            String key = "a".repeat(Keys.MAX_ORIGINAL_LENGTH - 1) + "😀" + "tail";

            String original = Keys.of(NS, key).original();

            assertThat(original).isNotNull();
            char last = original.charAt(original.length() - 1);
            assertThat(Character.isHighSurrogate(last)).as("the original ends in half of an emoji").isFalse();
            assertThat(original.length()).isLessThanOrEqualTo(Keys.MAX_ORIGINAL_LENGTH);
        }
    }

    @Nested
    class Validation {

        @Test
        void aNamespaceMustHaveOneTo150PrintableCharacters() {
            Keys.requireNamespace("n");
            Keys.requireNamespace("com.example.Payments#charge");
            Keys.requireNamespace("n".repeat(150));
            Keys.requireNamespace("支払い");
            for (String bad : new String[] {null, "", "n".repeat(151), "pay\nments", "pay\u0000", "\ud800"}) {
                assertThatThrownBy(() -> Keys.requireNamespace(bad))
                        .as("namespace %s", bad)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("a namespace must have 1 to 150 printable characters");
            }
        }

        @Test
        void ofChecksTheNamespaceAndRefusesAnEmptyKey() {
            assertThatThrownBy(() -> Keys.of("", "k"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("a namespace must have 1 to 150 printable characters");
            assertThatThrownBy(() -> Keys.of(NS, ""))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the key of namespace 'payments' is empty");
            assertThatThrownBy(() -> Keys.of(NS, null))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("the key of namespace 'payments' is empty");
        }

        @Test
        void requireValidRefusesEmptyTooLongAndUnprintableKeys() {
            assertThatThrownBy(() -> Keys.requireValid(null))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("a key must not be empty");
            assertThatThrownBy(() -> Keys.requireValid(""))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("a key must not be empty");
            assertThatThrownBy(() -> Keys.requireValid("k".repeat(256)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("at most 255 characters, this one has 256")
                    .hasMessageContaining("Keys.of");
            assertThatThrownBy(() -> Keys.requireValid("ns:a\u0000b"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("control characters or unpaired surrogates")
                    .hasMessageContaining("Keys.of");
            assertThatThrownBy(() -> Keys.requireValid("ns:\udc00"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unpaired surrogates");
        }

        @Test
        void requireValidAcceptsWhatOfProduces() {
            for (String key : new String[] {"k", "k".repeat(246), "k".repeat(5000), "\u0000", "'; DROP TABLE x; --", "😀"}) {
                Keys.requireValid(Keys.of(NS, key).full());
            }
            Keys.requireValid("k".repeat(255));
        }
    }
}
