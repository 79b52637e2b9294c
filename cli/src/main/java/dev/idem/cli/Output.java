package dev.idem.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.idem.store.AuditEntry;
import dev.idem.store.IdempotencyRecord;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints records, histories and counts as aligned tables or as JSON. */
final class Output {

    private static final ObjectMapper JSON = JsonMapper.builder().addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(SerializationFeature.INDENT_OUTPUT).build();

    private final PrintWriter out;
    private final boolean json;

    Output(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    void record(IdempotencyRecord record) {
        Map<String, Object> fields = recordFields(record);
        if (json) {
            print(fields);
            return;
        }
        fields.forEach((name, value) -> {
            if (value != null && !(value instanceof List && ((List<?>) value).isEmpty())) {
                out.printf("%-14s %s%n", name, value);
            }
        });
    }

    void records(List<IdempotencyRecord> records) {
        if (json) {
            List<Object> all = new ArrayList<>();
            records.forEach(record -> all.add(recordFields(record)));
            print(all);
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"KEY", "STATE", "ATTEMPT", "TOKEN", "UPDATED", "NEXT ATTEMPT", "ERROR"});
        for (IdempotencyRecord record : records) {
            rows.add(new String[] {record.key(), record.state().name(), String.valueOf(record.attempt()),
                String.valueOf(record.token()), text(record.updatedAt()), text(record.nextAttemptAt()),
                record.error() == null ? "" : record.error().toString()});
        }
        table(rows);
    }

    void history(List<AuditEntry> entries) {
        if (json) {
            print(entries);
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"#", "AT", "EVENT", "STATE", "ATTEMPT", "TOKEN", "NODE", "ELAPSED", "DETAIL / ERROR"});
        for (AuditEntry entry : entries) {
            rows.add(new String[] {String.valueOf(entry.sequence()), text(entry.at()), entry.event().name(),
                entry.state().name(), String.valueOf(entry.attempt()), String.valueOf(entry.token()), entry.node(),
                entry.elapsed() == null ? "" : entry.elapsed().toMillis() + " ms",
                entry.error() != null ? entry.error().toString() : entry.detail() == null ? "" : entry.detail()});
        }
        table(rows);
    }

    void counts(Map<String, Long> counts) {
        if (json) {
            print(counts);
            return;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"STATE", "RECORDS"});
        counts.forEach((state, count) -> rows.add(new String[] {state, String.valueOf(count)}));
        table(rows);
    }

    void message(String key, String outcome, String text) {
        if (json) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("key", key);
            result.put("outcome", outcome);
            print(result);
        } else {
            out.println(text);
        }
    }

    private static Map<String, Object> recordFields(IdempotencyRecord record) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("key", record.key());
        fields.put("originalKey", record.originalKey());
        fields.put("state", record.state().name());
        fields.put("token", record.token());
        fields.put("attempt", record.attempt());
        fields.put("owner", record.owner());
        fields.put("fingerprint", record.fingerprint());
        fields.put("createdAt", record.createdAt());
        fields.put("updatedAt", record.updatedAt());
        fields.put("leaseUntil", record.leaseUntil());
        fields.put("nextAttemptAt", record.nextAttemptAt());
        fields.put("expiresAt", record.expiresAt());
        fields.put("error", record.error() == null ? null : record.error().toString());
        fields.put("result", bytes(record.result()));
        fields.put("steps", new ArrayList<>(record.steps().keySet()));
        fields.put("invocation", bytes(record.invocation()));
        return fields;
    }

    /** UTF-8 text as it is (results are JSON by default), anything else as base64. */
    private static String bytes(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value)).toString();
        } catch (CharacterCodingException binary) {
            return "base64:" + Base64.getEncoder().encodeToString(value);
        }
    }

    private static String text(Instant instant) {
        return instant == null ? "" : instant.toString();
    }

    private void print(Object value) {
        try {
            out.println(JSON.writeValueAsString(value));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private void table(List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(i == row.length - 1 ? row[i] : String.format("%-" + widths[i] + "s  ", row[i]));
            }
            out.println(line.toString().stripTrailing());
        }
        if (rows.size() == 1) {
            out.println("(none)");
        }
    }
}
