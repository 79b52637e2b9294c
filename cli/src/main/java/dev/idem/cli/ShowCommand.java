package dev.idem.cli;

import dev.idem.store.IdempotencyRecord;
import dev.idem.store.IdempotencyStore;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code idem show KEY}: one key's record. */
@Command(name = "show", description = "Shows the record of a key: state, token, attempt, times, error, result, steps.")
final class ShowCommand extends StoreCommand {

    @Mixin
    KeyArgument key;

    @Override
    int run(IdempotencyStore store, Output output) {
        Optional<IdempotencyRecord> record = store.find(key.fullKey());
        if (record.isEmpty()) {
            spec.commandLine().getErr().println("idem: no record for key '" + key.fullKey() + "'");
            return IdemCli.NOT_FOUND;
        }
        output.record(record.get());
        return 0;
    }
}
