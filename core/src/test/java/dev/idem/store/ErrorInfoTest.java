package dev.idem.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.junit.jupiter.api.Test;

class ErrorInfoTest {

    @Test
    void keepsTheClassNameAndTheMessage() {
        ErrorInfo info = ErrorInfo.of(new IOException("connection reset"));

        assertThat(info.type()).isEqualTo("java.io.IOException");
        assertThat(info.message()).isEqualTo("connection reset");
        assertThat(info).hasToString("java.io.IOException: connection reset");
    }

    @Test
    void aFailureWithoutMessageKeepsOnlyItsType() {
        ErrorInfo info = ErrorInfo.of(new IllegalStateException());

        assertThat(info.message()).isNull();
        assertThat(info).hasToString("java.lang.IllegalStateException");
    }

    @Test
    void usesTheRuntimeClassOfAnAnonymousOrNestedException() {
        assertThat(ErrorInfo.of(new RuntimeException("x") { }).type()).isEqualTo(ErrorInfoTest.class.getName() + "$1");
    }

    @Test
    void aMessageOfExactlyTheLimitIsKept() {
        String message = "m".repeat(ErrorInfo.MAX_MESSAGE_LENGTH);
        assertThat(new ErrorInfo("T", message).message()).isEqualTo(message);
    }

    @Test
    void aLongerMessageIsCutToTheLimitWithAnEllipsis() {
        String message = "0123456789".repeat(100);

        ErrorInfo info = new ErrorInfo("T", message);

        assertThat(info.message()).hasSize(ErrorInfo.MAX_MESSAGE_LENGTH).endsWith("...")
                .startsWith(message.substring(0, ErrorInfo.MAX_MESSAGE_LENGTH - 3));
        assertThat(ErrorInfo.of(new IOException(message)).message()).isEqualTo(info.message());
    }

    @Test
    void neverKeepsTheStackTraceOrTheCause() {
        IOException failure = new IOException("outer", new IllegalStateException("inner secret"));

        ErrorInfo info = ErrorInfo.of(failure);

        assertThat(info.toString()).doesNotContain("inner secret").doesNotContain("at ");
    }

    @Test
    void nulCharactersWhichSqlTextRefusesAreReplaced() {
        assertThat(new ErrorInfo("x.Y", "bad\u0000byte").message()).isEqualTo("bad\uFFFDbyte");
    }

    @Test
    void theTypeIsRequired() {
        assertThatThrownBy(() -> new ErrorInfo(null, "m")).isInstanceOf(NullPointerException.class).hasMessage("type");
    }

    /** Shortening a message must not leave half of a surrogate pair, which stores cannot keep. */
    @Test
    void shorteningNeverSplitsASurrogatePair() {
        String message = "m".repeat(ErrorInfo.MAX_MESSAGE_LENGTH - 4) + "😀" + "tail of the message";

        String kept = new ErrorInfo("T", message).message();

        assertThat(kept).endsWith("...").hasSizeLessThanOrEqualTo(ErrorInfo.MAX_MESSAGE_LENGTH);
        String beforeEllipsis = kept.substring(0, kept.length() - 3);
        assertThat(Character.isHighSurrogate(beforeEllipsis.charAt(beforeEllipsis.length() - 1)))
                .as("the kept message ends in half of an emoji").isFalse();
    }
}
