package dev.idem;

import dev.idem.store.IdempotencyStore;
import java.lang.System.Logger.Level;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renews the leases of the calls running in this JVM, each a third of its lease after the last renewal,
 * from one maintenance thread. A call whose renewal is refused has lost its key to another owner and is
 * told so. A renewal that fails because the store is down is tried again on the next tick. Thread-safe.
 */
final class LeaseKeeper {

    private static final System.Logger LOG = IdemLogging.logger(LeaseKeeper.class.getName());

    private final IdempotencyStore store;
    private final Set<MethodCall> held = ConcurrentHashMap.newKeySet();

    LeaseKeeper(IdempotencyStore store) {
        this.store = store;
    }

    void hold(MethodCall call) {
        held.add(call);
    }

    void release(MethodCall call) {
        held.remove(call);
    }

    /** Renews every lease that is due; run by the maintenance thread on each tick. */
    void renewDue() {
        long now = System.nanoTime();
        for (MethodCall call : held) {
            if (now - call.renewAtNanos() < 0) {
                continue;
            }
            try {
                if (store.renew(call.key(), call.token(), call.lease())) {
                    call.renewed(now);
                } else {
                    held.remove(call);
                    call.leaseLost();
                    LOG.log(Level.WARNING, "lease of key ''{0}'' (token {1}) was taken over by another owner; "
                            + "its result will not be recorded", call.key(), call.token());
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not renew the lease of key '" + call.key() + "'; trying again", e);
            }
        }
    }

    int size() {
        return held.size();
    }
}
