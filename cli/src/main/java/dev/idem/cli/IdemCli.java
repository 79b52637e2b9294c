package dev.idem.cli;

import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyStoreException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.store.IdempotencyStore;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code idem} operator command: reads and acts on the records of any store.
 *
 * <pre>
 * java -jar cli/target/idem.jar --store jdbc:postgresql://db/app?user=ops list --state DEAD --since 1h
 * </pre>
 *
 * <p>Exit codes scripts can trust: 0 done; 1 no such key; 2 bad usage; 3 the record's state does not
 * allow the action; 4 the store does not answer; 5 the store refused (bad URL, missing tables, damaged
 * record). {@code --json} prints machine-readable output. Not thread-safe; one command per process.
 */
@Command(name = "idem", mixinStandardHelpOptions = true, versionProvider = IdemCli.Version.class,
        description = "Reads and acts on Idem's records: the state, history and deferred jobs of every key.",
        subcommands = {ShowCommand.class, HistoryCommand.class, ListCommand.class, RequeueCommand.class,
            CancelCommand.class, PurgeCommand.class, StatsCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:done", "1:no such key", "2:bad usage", "3:the record's state does not allow it",
            "4:the store does not answer", "5:the store refused (bad URL, missing tables, damaged record)"})
public final class IdemCli implements Callable<Integer> {

    static final int NOT_FOUND = 1;
    static final int WRONG_STATE = 3;
    static final int UNAVAILABLE = 4;
    static final int REFUSED = 5;

    @Option(names = "--store", paramLabel = "URL", defaultValue = "${env:IDEM_STORE}",
            description = "The store: a JDBC URL (jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:h2:), redis:// or "
                    + "rediss://, or Redis Cluster seeds redis://a:7001,redis://b:7002. Default: $IDEM_STORE.")
    String store;

    @Option(names = "--table-prefix", paramLabel = "PREFIX", defaultValue = "idem_",
            description = "The JDBC tables' prefix. Default: ${DEFAULT-VALUE}.")
    String tablePrefix;

    @Option(names = "--key-prefix", paramLabel = "PREFIX", defaultValue = "idem",
            description = "The Redis keys' prefix. Default: ${DEFAULT-VALUE}.")
    String keyPrefix;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return CommandLine.ExitCode.USAGE;
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line, writing to {@code out} and {@code err}; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new IdemCli());
        commandLine.setOut(out);
        commandLine.setErr(err);
        commandLine.setExecutionExceptionHandler((failure, line, parsed) -> {
            line.getErr().println("idem: " + failure.getMessage());
            if (failure instanceof IdempotencyStoreUnavailableException) {
                return UNAVAILABLE;
            }
            if (failure instanceof IdempotencyStoreException || failure instanceof IdempotencyConfigurationException
                    || failure instanceof IllegalArgumentException) {
                return REFUSED;
            }
            throw failure;
        });
        return commandLine.execute(args);
    }

    /** Opens the store the options name; the caller closes it. */
    IdempotencyStore openStore() {
        if (store == null || store.isBlank()) {
            throw new IllegalArgumentException("no store: pass --store URL or set IDEM_STORE");
        }
        return StoreUrls.open(store.trim(), tablePrefix, keyPrefix);
    }

    /** The version of the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = IdemCli.class.getPackage().getImplementationVersion();
            return new String[] {"idem " + (version == null ? "(development)" : version)};
        }
    }
}
