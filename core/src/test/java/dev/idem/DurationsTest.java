package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    private static final String WHAT = "@Idempotent(ttl) of Payments#charge";

    @ParameterizedTest(name = "{0} = {1}")
    @CsvSource({
        "500ms, PT0.5S",
        "0ms, PT0S",
        "30s, PT30S",
        "15m, PT15M",
        "24h, PT24H",
        "7d, PT168H",
        "PT30S, PT30S",
        "PT1H30M, PT1H30M",
        "P2D, PT48H",
        "pt10s, PT10S",
        "'  30s  ', PT30S",
        "30 s, PT30S",
        "999999999999d, PT23999999999976H",
    })
    void parsesTheSimpleAndTheIsoForms(String text, String expected) {
        assertThat(Durations.parse(text, WHAT)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t\n"})
    void anEmptyOrBlankStringMeansNotSet(String text) {
        assertThat(Durations.parse(text, WHAT)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "30", "30 seconds", "30S", "1.5s", "-5s", "5 ms ms", "s", "PT", "P1Y",
        "9999999999999ms", "PT9999999999999999999H"})
    void garbageIsRefusedNamingTheAttributeTheValueAndTheAcceptedForms(String text) {
        assertThatThrownBy(() -> Durations.parse(text, WHAT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(WHAT + " is '" + text + "'")
                .hasMessageContaining("not a duration")
                .hasMessageContaining("500ms, 30s, 15m, 24h, 7d or ISO-8601 (PT30S)")
                .hasCauseInstanceOf(DateTimeParseException.class);
    }

    @Test
    void theErrorNamesWhateverAttributeIsPassedIn() {
        assertThatThrownBy(() -> Durations.parse("ten minutes", "idem.lease"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("idem.lease is 'ten minutes', which is not a duration; write it as "
                        + "500ms, 30s, 15m, 24h, 7d or ISO-8601 (PT30S)");
    }

    @Test
    void isoFormAllowsANegativeValueThatParseLeavesToTheCaller() {
        assertThat(Durations.parse("-PT5S", WHAT)).isEqualTo(Duration.ofSeconds(-5));
    }

    @Test
    void parsePositiveRefusesEmptyZeroAndNegativeValues() {
        assertThat(Durations.parsePositive("1ms", WHAT)).isEqualTo(Duration.ofMillis(1));
        assertThatThrownBy(() -> Durations.parsePositive("", WHAT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(WHAT + " must be a positive duration, not null");
        assertThatThrownBy(() -> Durations.parsePositive("0s", WHAT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(WHAT + " must be a positive duration, not PT0S");
        assertThatThrownBy(() -> Durations.parsePositive("-PT1M", WHAT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(WHAT + " must be a positive duration, not PT-1M");
        assertThatThrownBy(() -> Durations.parsePositive("later", WHAT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a duration");
    }

    @Test
    void requireNotNegativeAcceptsZeroAndRefusesNullAndNegative() {
        Durations.requireNotNegative(Duration.ZERO, "delay");
        Durations.requireNotNegative(Duration.ofNanos(1), "delay");
        assertThatThrownBy(() -> Durations.requireNotNegative(null, "delay"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delay must be zero or a positive duration, not null");
        assertThatThrownBy(() -> Durations.requireNotNegative(Duration.ofNanos(-1), "delay"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("delay must be zero or a positive duration, not PT-0.000000001S");
    }

    @Test
    void requirePositiveRefusesZero() {
        Durations.requirePositive(Duration.ofNanos(1), "lease");
        assertThatThrownBy(() -> Durations.requirePositive(Duration.ZERO, "lease"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("lease must be a positive duration, not PT0S");
    }
}
