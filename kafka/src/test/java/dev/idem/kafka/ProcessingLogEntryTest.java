package dev.idem.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idem.Transition;
import dev.idem.store.AuditEvent;
import dev.idem.store.ErrorInfo;
import dev.idem.store.RecordState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The JSON of the processing log, against its documentation in docs/kafka.md. */
class ProcessingLogEntryTest {

    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyFieldSurvivesTheRoundTrip() {
        Instant at = Instant.parse("2026-11-26T09:18:39.123456Z");
        ErrorInfo error = new ErrorInfo("java.io.IOException", "the ledger \"timed out\"\n");
        Transition transition = new Transition("payments:evt_1", AuditEvent.RELEASED, RecordState.RELEASED, 2, 7,
                "node-a", at, Duration.ofNanos(12_034_567), error, "9f86d081884c7d659a2feaa0c55ad015", null);
        ProcessingLogEntry entry = ProcessingLogEntry.of(transition, "instance-1", 17);

        ProcessingLogEntry read = ProcessingLogEntry.fromJson(entry.toJson());

        assertThat(read).as("the elapsed time in whole microseconds").isEqualTo(new ProcessingLogEntry(1,
                "payments:evt_1", AuditEvent.RELEASED, RecordState.RELEASED, 2, 7, null, Duration.ofNanos(12_034_000),
                error, "9f86d081884c7d659a2feaa0c55ad015", "node-a", at, "instance-1", 17));
    }

    @Test
    void theDocumentedExampleIsWhatTheLogWritesAndEveryFieldIsDocumented() throws IOException {
        String docs = Files.readString(docs(), StandardCharsets.UTF_8);
        Matcher example = JSON_BLOCK.matcher(docs);
        assertThat(example.find()).as("a ```json example in docs/kafka.md").isTrue();
        byte[] documented = example.group(1).getBytes(StandardCharsets.UTF_8);

        ProcessingLogEntry entry = ProcessingLogEntry.fromJson(documented);

        ObjectMapper json = new ObjectMapper();
        assertThat(json.readTree(entry.toJson())).as("the example, as the log writes it")
                .isEqualTo(json.readTree(documented));
        List<String> fields = new ArrayList<>();
        json.readTree(entry.toJson()).fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("schema", "key", "event", "state", "attempt", "token", "step",
                "elapsedMicros", "error", "fingerprint", "node", "at", "instance", "sequence");
        for (String field : fields) {
            assertThat(docs).as("docs/kafka.md describes the field %s", field).contains("| `" + field + "` |");
        }
    }

    @Test
    void unknownFieldsAreIgnoredAndANewerSchemaIsRefused() {
        String minimal = "{\"schema\":1,\"key\":\"k:1\",\"event\":\"CLAIMED\",\"state\":\"IN_PROGRESS\",\"attempt\":1,"
                + "\"token\":1,\"node\":\"n\",\"at\":\"2026-01-01T00:00:00Z\",\"instance\":\"i\",\"sequence\":1,"
                + "\"addedLater\":{\"x\":1}}";

        ProcessingLogEntry entry = ProcessingLogEntry.fromJson(minimal.getBytes(StandardCharsets.UTF_8));

        assertThat(entry.step()).isNull();
        assertThat(entry.error()).isNull();
        assertThat(entry.elapsed()).isNull();
        assertThatThrownBy(() -> ProcessingLogEntry.fromJson(minimal.replace("\"schema\":1", "\"schema\":2")
                .getBytes(StandardCharsets.UTF_8))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("schema 2 is not supported");
        assertThatThrownBy(() -> ProcessingLogEntry.fromJson(minimal.replace("\"key\":\"k:1\",", "")
                .getBytes(StandardCharsets.UTF_8))).hasMessageContaining("'key' is missing");
        assertThatThrownBy(() -> ProcessingLogEntry.fromJson("[]".getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("not a JSON object");
    }

    private static Path docs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("docs").resolve("kafka.md");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("no docs/kafka.md above " + Path.of("").toAbsolutePath());
    }
}
