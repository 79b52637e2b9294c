package dev.idem.cli;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.Keys;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that opens the store, runs, and closes it. */
abstract class StoreCommand implements Callable<Integer> {

    @ParentCommand
    IdemCli cli;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() {
        try (IdempotencyStore store = cli.openStore()) {
            return run(store, new Output(spec.commandLine().getOut(), cli.json));
        }
    }

    abstract int run(IdempotencyStore store, Output output);

    /** The key argument of the commands about one key: a full key, or a key in {@code --namespace}. */
    static final class KeyArgument {
        @picocli.CommandLine.Parameters(index = "0", paramLabel = "KEY",
                description = "The full key (namespace:key), or the key within --namespace.")
        String key;

        @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
                description = "The namespace of KEY (a method as com.x.Billing#charge, or an @Idempotent name); "
                        + "long keys are hashed as the engine hashes them.")
        String namespace;

        String fullKey() {
            return namespace == null ? key : Keys.of(namespace, key).full();
        }
    }
}
