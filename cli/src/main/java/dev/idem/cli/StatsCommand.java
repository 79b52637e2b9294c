package dev.idem.cli;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.RecordState;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code idem stats}: how many records are in each state. */
@Command(name = "stats", description = "Counts the records in each state.")
final class StatsCommand extends StoreCommand {

    @Override
    int run(IdempotencyStore store, Output output) {
        Map<RecordState, Long> counts = store.countByState();
        Map<String, Long> all = new LinkedHashMap<>();
        for (RecordState state : RecordState.values()) {
            all.put(state.name(), counts.getOrDefault(state, 0L));
        }
        output.counts(all);
        return 0;
    }
}
