package dev.idem.cli;

import dev.idem.store.AuditEntry;
import dev.idem.store.IdempotencyStore;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code idem history KEY}: every transition of a key. */
@Command(name = "history", description = "Shows every transition of a key, oldest first.")
final class HistoryCommand extends StoreCommand {

    @Mixin
    KeyArgument key;

    @Override
    int run(IdempotencyStore store, Output output) {
        List<AuditEntry> history = store.history(key.fullKey());
        if (history.isEmpty() && store.find(key.fullKey()).isEmpty()) {
            spec.commandLine().getErr().println("idem: no record for key '" + key.fullKey() + "'");
            return IdemCli.NOT_FOUND;
        }
        output.history(history);
        return 0;
    }
}
