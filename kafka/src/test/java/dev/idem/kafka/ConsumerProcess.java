package dev.idem.kafka;

import dev.idem.Idem;
import dev.idem.store.jdbc.JdbcStore;

/**
 * An {@link EffectConsumer} in a JVM of its own, which the kill test ends with SIGKILL. It writes its
 * report lines to standard output and polls until it is killed.
 *
 * <p>Arguments: topic, group, store table prefix, effects table, consumer name, the handler run at
 * which to get stuck.
 */
public final class ConsumerProcess {

    private ConsumerProcess() {
    }

    public static void main(String[] args) throws Exception {
        String topic = args[0];
        String group = args[1];
        String tablePrefix = args[2];
        String effects = args[3];
        String name = args[4];
        int stuckAtRun = Integer.parseInt(args[5]);
        JdbcStore store = TestStores.postgres(tablePrefix);
        Idem idem = Idem.builder().store(store).node(name).build();
        EffectConsumer consumer = new EffectConsumer(idem, topic, group, effects, name, stuckAtRun, line -> {
            System.out.println(line);
            System.out.flush();
        });
        while (true) {
            consumer.poll();
        }
    }
}
