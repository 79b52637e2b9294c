package dev.idem.cli;

import dev.idem.Durations;
import dev.idem.store.IdempotencyStore;
import dev.idem.store.RecordQuery;
import dev.idem.store.RecordState;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code idem list --state DEAD --since 1h}: records by state, time and namespace. */
@Command(name = "list", description = "Lists records, most recently changed first.")
final class ListCommand extends StoreCommand {

    @Option(names = "--state", paramLabel = "STATE",
            description = "Only this state: ${COMPLETION-CANDIDATES}.")
    RecordState state;

    @Option(names = "--since", paramLabel = "WHEN",
            description = "Only records changed since WHEN: a duration ago (30m, 1h, 7d) or an instant (2026-01-31T12:00:00Z).")
    String since;

    @Option(names = "--until", paramLabel = "WHEN", description = "Only records changed before WHEN (same forms).")
    String until;

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE", description = "Only keys of this namespace.")
    String namespace;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "100",
            description = "At most N records. Default: ${DEFAULT-VALUE}.")
    int limit;

    @Override
    int run(IdempotencyStore store, Output output) {
        output.records(store.list(new RecordQuery(state, when("--since", since), when("--until", until),
                namespace == null ? null : namespace + ":", limit)));
        return 0;
    }

    private static Instant when(String option, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException notAnInstant) {
            return Instant.now().minus(Durations.parsePositive(value, option));
        }
    }
}
