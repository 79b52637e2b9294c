package dev.idem.cli;

import dev.idem.Durations;
import dev.idem.store.IdempotencyStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code idem cancel KEY}: a dead or scheduled job is released and never run by a worker. */
@Command(name = "cancel", description = "Cancels a dead or scheduled job: no worker runs it; the next delivery "
        + "of its key runs afresh.")
final class CancelCommand extends StoreCommand {

    @Mixin
    KeyArgument key;

    @Option(names = "--retention", paramLabel = "DURATION", defaultValue = "7d",
            description = "How long the cancelled record and its history are kept. Default: ${DEFAULT-VALUE}.")
    String retention;

    @Override
    int run(IdempotencyStore store, Output output) {
        return RequeueCommand.Outcomes.report(store.cancel(key.fullKey(), Durations.parsePositive(retention, "--retention"),
                "idem-cli"), key.fullKey(), "cancelled", spec, output);
    }
}
