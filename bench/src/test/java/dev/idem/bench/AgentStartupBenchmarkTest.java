package dev.idem.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The confidence interval the startup benchmark reports for the median overhead. */
final class AgentStartupBenchmarkTest {

    @Test
    void twentyValuesGiveTheSixthAndFifteenthOrderStatistics() {
        // P(Binomial(20, 1/2) <= 5) = 0.0207 and P(<= 6) = 0.0577: ranks 6 and 15 cover the median with 95.9%
        assertThat(AgentStartupBenchmark.medianInterval(shuffled(1, 20))).containsExactly(6.0, 15.0);
    }

    @Test
    void thirtyValuesGiveTheTenthAndTwentyFirst() {
        // P(Binomial(30, 1/2) <= 9) = 0.0214 and P(<= 10) = 0.0494
        assertThat(AgentStartupBenchmark.medianInterval(shuffled(1, 30))).containsExactly(10.0, 21.0);
    }

    @Test
    void sixValuesAreTheFewestWithAnInterval() {
        assertThat(AgentStartupBenchmark.medianInterval(shuffled(1, 6))).containsExactly(1.0, 6.0);
        assertThat(AgentStartupBenchmark.medianInterval(shuffled(1, 5))).as("no 95% interval: the whole range")
                .containsExactly(1.0, 5.0);
    }

    private static List<Double> shuffled(int from, int to) {
        List<Double> values = new ArrayList<>();
        for (int value = from; value <= to; value++) {
            values.add((double) value);
        }
        Collections.shuffle(values);
        return values;
    }
}
