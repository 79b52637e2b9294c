package dev.idem.it.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.PackageVersion;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.netty.util.Version;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * An application that ships its own Jackson, Lettuce and Netty, other versions than the agent's. It prints the
 * versions and jars it sees ({@code versions ...}, {@code jars ...}), delivers each of {@code events} JSON events
 * ({@code <prefix>-ship-<n>}) {@code copies} times concurrently to {@link Shipping} (which counts in Redis, under
 * {@code <prefix>:counter:<event>}, through the application's Lettuce),
 * prints {@code delivery event=<id> counter=<n> json=<json>} per delivery and {@code counter event=<id> value=<n>}
 * per event as read back from Redis, then {@code done errors=<n>}.
 *
 * <p>Arguments: redis-url prefix events copies.
 */
public final class OwnLibrariesApp {

    private OwnLibrariesApp() {
    }

    /** Runs the deliveries, then exits. */
    public static void main(String[] args) throws Exception {
        CommandLoop.started();
        System.out.println("versions jackson=" + PackageVersion.VERSION + " lettuce="
                + RedisClient.class.getPackage().getImplementationVersion() + " netty="
                + Version.identify().get("netty-common").artifactVersion());
        System.out.println("jars jackson=" + jar(ObjectMapper.class) + " lettuce=" + jar(RedisClient.class) + " netty="
                + jar(Version.class));
        String prefix = args[1];
        int events = Integer.parseInt(args[2]);
        int copies = Integer.parseInt(args[3]);
        ObjectMapper mapper = new ObjectMapper();
        RedisClient client = RedisClient.create(args[0]);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        int errors = 0;
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            Shipping shipping = new Shipping(connection.sync(), mapper, prefix + ":counter");
            List<Callable<String>> deliveries = new ArrayList<>();
            for (int i = 0; i < events; i++) {
                String json = "{\"id\":\"" + prefix + "-ship-" + i + "\",\"parcel_id\":\"parcel-" + i + "\"}";
                for (int copy = 0; copy < copies; copy++) {
                    deliveries.add(() -> {
                        Shipment shipment = shipping.ship(mapper.readValue(json, ShipmentEvent.class));
                        return "delivery event=" + shipment.eventId() + " counter=" + shipment.counter() + " json="
                                + shipment.json();
                    });
                }
            }
            for (Future<String> delivery : pool.invokeAll(deliveries)) {
                try {
                    System.out.println(delivery.get());
                } catch (java.util.concurrent.ExecutionException e) {
                    errors++;
                    System.out.println("delivery error " + CommandLoop.describe(e.getCause()));
                }
            }
            for (int i = 0; i < events; i++) {
                String id = prefix + "-ship-" + i;
                System.out.println("counter event=" + id + " value=" + connection.sync().get(shipping.counterKey(id)));
            }
        } finally {
            pool.shutdown();
            client.shutdown();
        }
        System.out.println("done errors=" + errors);
        System.exit(0);
    }

    private static String jar(Class<?> type) {
        return type.getProtectionDomain().getCodeSource().getLocation().getPath();
    }
}
