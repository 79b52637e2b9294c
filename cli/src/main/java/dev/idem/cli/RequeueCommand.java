package dev.idem.cli;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.OperatorResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code idem requeue KEY}: a dead or scheduled job becomes due now, with a fresh attempt count. */
@Command(name = "requeue", description = "Makes a dead or scheduled job due now, with a fresh attempt count.")
final class RequeueCommand extends StoreCommand {

    @Mixin
    KeyArgument key;

    @Override
    int run(IdempotencyStore store, Output output) {
        return Outcomes.report(store.requeue(key.fullKey(), "idem-cli"), key.fullKey(), "requeued: a worker runs it now",
                spec, output);
    }

    /** Turns an operator result into output and an exit code. */
    static final class Outcomes {
        private Outcomes() {
        }

        static int report(OperatorResult result, String key, String done, picocli.CommandLine.Model.CommandSpec spec,
                Output output) {
            switch (result) {
                case DONE:
                    output.message(key, "DONE", "'" + key + "' " + done);
                    return 0;
                case NOT_FOUND:
                    spec.commandLine().getErr().println("idem: no record for key '" + key + "'");
                    return IdemCli.NOT_FOUND;
                default:
                    spec.commandLine().getErr().println("idem: '" + key + "' is not a dead or scheduled job; "
                            + "see idem show " + key);
                    return IdemCli.WRONG_STATE;
            }
        }
    }
}
