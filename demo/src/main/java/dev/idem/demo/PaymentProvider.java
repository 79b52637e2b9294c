package dev.idem.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Plays the payment provider. It builds charge events from Stripe's charge fixture, with a fresh id per
 * event and per run and a seeded amount, and delivers each one several times, as providers do:
 *
 * <ol>
 *   <li>the original, followed at once by an immediate duplicate from the same thread;</li>
 *   <li>concurrent redeliveries from other threads, while the original still runs;</li>
 *   <li>a late redelivery, once every event's first deliveries have completed.</li>
 * </ol>
 *
 * A delivery that fails (the endpoint throws: an HTTP 5xx) is delivered again, as providers retry until
 * they get a 2xx. Not thread-safe: one instance sends one burst.
 */
final class PaymentProvider {

    /**
     * One event as sent.
     *
     * @param id the event's id
     * @param amount the charge's amount, in cents
     * @param body the JSON body of every delivery of the event
     */
    record Event(String id, long amount, String body) {
    }

    /**
     * What the provider saw.
     *
     * @param deliveries every delivery made, redeliveries of failed ones included
     * @param failedDeliveries the deliveries that failed and were delivered again
     * @param acknowledgedEvents the events with at least one successful delivery
     * @param eventsWithDifferentReceipts the events whose deliveries were answered with different entries
     * @param lastFailure the last failure of a delivery, or {@code null}
     */
    record Summary(long deliveries, long failedDeliveries, int acknowledgedEvents, int eventsWithDifferentReceipts,
            RuntimeException lastFailure) {
    }

    /** The deliveries of one event besides the original. */
    private record Plan(boolean immediate, int concurrent, boolean late) {
        static Plan of(int deliveriesPerEvent) {
            boolean immediate = deliveriesPerEvent >= 3;
            boolean late = deliveriesPerEvent >= 2;
            return new Plan(immediate, deliveriesPerEvent - 1 - (immediate ? 1 : 0) - (late ? 1 : 0), late);
        }
    }

    private static final String TEMPLATE = "/webhooks/stripe/charge-refunded.legacy.json";
    private static final int REDELIVERY_ROUNDS = 10;

    private final Function<String, LedgerEntry> endpoint;
    private final int threads;
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder failedDeliveries = new LongAdder();
    private final Queue<Event> toRedeliver = new ConcurrentLinkedQueue<>();
    private final Map<String, LedgerEntry> receipts = new ConcurrentHashMap<>();
    private final Set<String> eventsWithDifferentReceipts = ConcurrentHashMap.newKeySet();
    private final AtomicReference<RuntimeException> lastFailure = new AtomicReference<>();

    /** A provider that posts webhook bodies to {@code endpoint} from {@code threads} threads. */
    PaymentProvider(Function<String, LedgerEntry> endpoint, int threads) {
        this.endpoint = endpoint;
        this.threads = threads;
    }

    /**
     * {@code count} {@code charge.succeeded} events with amounts from $5 to $1,000, shaped like Stripe's
     * {@code fixtures/webhooks/stripe/charge-refunded.legacy.json}.
     */
    static List<Event> createEvents(int count, long seed) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode template;
        try (InputStream in = PaymentProvider.class.getResourceAsStream(TEMPLATE)) {
            template = (ObjectNode) json.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + TEMPLATE, e);
        }
        Random random = new Random(seed);
        String run = Long.toString(System.currentTimeMillis(), 36);
        List<Event> events = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            String id = String.format("evt_%s_%06d", run, i);
            long amount = 500 + random.nextInt(99_501);
            ObjectNode event = template.deepCopy();
            event.put("id", id).put("type", "charge.succeeded").put("created", Instant.now().getEpochSecond());
            event.withObject("/data/object").put("id", String.format("ch_%s_%06d", run, i))
                    .put("amount", amount).put("refunded", false);
            events.add(new Event(id, amount, event.toString()));
        }
        return events;
    }

    /** The deliveries of each event, in words, as {@link #send} makes them. */
    static String describe(int deliveriesPerEvent) {
        Plan plan = Plan.of(deliveriesPerEvent);
        List<String> parts = new ArrayList<>(List.of("the original"));
        if (plan.immediate()) {
            parts.add("an immediate duplicate");
        }
        if (plan.concurrent() > 0) {
            parts.add(plan.concurrent() + (plan.concurrent() == 1 ? " concurrent redelivery" : " concurrent redeliveries"));
        }
        if (plan.late()) {
            parts.add("a late redelivery");
        }
        return String.join(", ", parts);
    }

    /** Delivers each event {@code deliveriesPerEvent} times; returns when every delivery has been answered. */
    Summary send(List<Event> events, int deliveriesPerEvent) throws InterruptedException, ExecutionException {
        Plan plan = Plan.of(deliveriesPerEvent);
        ExecutorService senders = Executors.newFixedThreadPool(threads);
        try {
            List<Callable<Void>> burst = new ArrayList<>();
            for (Event event : events) {
                burst.add(() -> {
                    deliver(event);
                    if (plan.immediate()) {
                        deliver(event);
                    }
                    return null;
                });
                for (int i = 0; i < plan.concurrent(); i++) {
                    burst.add(delivery(event));
                }
            }
            runAll(senders, burst);
            if (plan.late()) {
                runAll(senders, events.stream().map(this::delivery).toList());
            }
            for (int round = 0; round < REDELIVERY_ROUNDS && !toRedeliver.isEmpty(); round++) {
                List<Event> failed = new ArrayList<>(toRedeliver);
                toRedeliver.clear();
                runAll(senders, failed.stream().map(this::delivery).toList());
            }
        } finally {
            senders.shutdownNow();
        }
        return new Summary(deliveries.sum(), failedDeliveries.sum(), receipts.size(), eventsWithDifferentReceipts.size(),
                lastFailure.get());
    }

    private Callable<Void> delivery(Event event) {
        return () -> {
            deliver(event);
            return null;
        };
    }

    private void deliver(Event event) {
        deliveries.increment();
        try {
            LedgerEntry receipt = endpoint.apply(event.body());
            LedgerEntry first = receipts.putIfAbsent(event.id(), receipt);
            if (first != null && !first.equals(receipt)) {
                eventsWithDifferentReceipts.add(event.id());
            }
        } catch (RuntimeException failure) {
            failedDeliveries.increment();
            lastFailure.set(failure);
            toRedeliver.add(event);
        }
    }

    private static void runAll(ExecutorService senders, List<Callable<Void>> tasks)
            throws InterruptedException, ExecutionException {
        for (Future<Void> task : senders.invokeAll(tasks)) {
            task.get();
        }
    }
}
