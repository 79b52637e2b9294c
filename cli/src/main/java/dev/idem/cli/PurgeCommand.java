package dev.idem.cli;

import dev.idem.store.IdempotencyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code idem purge --expired}: removes every expired record now. */
@Command(name = "purge", description = "Removes expired records (completed, failed or released past their ttl) now.")
final class PurgeCommand extends StoreCommand {

    private static final int BATCH = 1000;

    @Option(names = "--expired", required = true, description = "Remove the expired records (required, to say what).")
    boolean expired;

    @Override
    int run(IdempotencyStore store, Output output) {
        long removed = 0;
        int batch;
        do {
            batch = store.purgeExpired(BATCH);
            removed += batch;
        } while (batch == BATCH);
        output.message(null, String.valueOf(removed), "purged " + removed + " expired records");
        return 0;
    }
}
