package dev.idem.agent.engine;

import dev.idem.store.IdempotencyStore;
import dev.idem.store.InMemoryStore;

/** Opens the store that {@code idem.store} names. */
final class Stores {

    private Stores() {
    }

    /**
     * Opens the store. A store that is down is not a bad setting: the store is created anyway and calls
     * fail closed until it is reachable.
     *
     * @throws IllegalArgumentException when {@code idem.store} is not a store Idem knows
     */
    static IdempotencyStore open(Settings settings) {
        String store = settings.store();
        if (store.equals("memory")) {
            return new InMemoryStore();
        }
        throw new IllegalArgumentException("setting " + Settings.STORE + " is '" + settings.storeForLog()
                + "'; write memory, a JDBC URL (jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql:, jdbc:h2:), a redis:// "
                + "or rediss:// URI, or Redis Cluster seeds as redis://host:port,redis://host:port");
    }
}
