package dev.idem.it;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A downstream ledger on a loopback port that the test takes down and brings back: while it is {@link #down()},
 * nothing listens on its port, so a client's connection is refused, as when the service is gone. While it is
 * {@link #up()} (or {@link #upAfter} has brought it back), {@code POST /settle/<id>} (header {@code X-Node}: who calls) records one settlement of
 * {@code <id>}, holds the request for the configured {@link #processingTime}, and answers {@code 200} with a
 * receipt unique to that settlement. It counts settlements per id and notices when two requests for the same id
 * are in flight at the same time. Thread-safe.
 */
public final class Downstream implements AutoCloseable {

    /** One settlement: the receipt returned and the node that asked for it. */
    public record Settlement(String receipt, String node) {
    }

    private final int port;
    private final Map<String, List<Settlement>> settlements = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final List<String> overlapping = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final ExecutorService handlers = Executors.newFixedThreadPool(16);
    private final ScheduledExecutorService outage = Executors.newSingleThreadScheduledExecutor();
    private volatile Duration processingTime = Duration.ZERO;
    private HttpServer server;

    private Downstream(int port) {
        this.port = port;
    }

    /** A downstream on a free loopback port, down until {@link #up()}. */
    public static Downstream onFreePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new Downstream(probe.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /** The base URL the applications call, {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** How long each settlement holds its request before it answers. */
    public void processingTime(Duration value) {
        processingTime = value;
    }

    /** Starts listening (again); retries the bind for a few seconds in case the port still lingers. */
    public synchronized void up() {
        if (server != null) {
            return;
        }
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).ignoreException(BindException.class)
                .until(this::listen);
    }

    /** Brings the downstream back after {@code delay}, as the end of an outage that began now. */
    public void upAfter(Duration delay) {
        outage.schedule(this::up, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether it listens. */
    public synchronized boolean isUp() {
        return server != null;
    }

    private boolean listen() throws IOException {
        HttpServer started = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
        started.setExecutor(handlers);
        started.createContext("/settle/", this::settle);
        started.start();
        server = started;
        return true;
    }

    /** Stops listening: from now on connections are refused. */
    public synchronized void down() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    /** Every settlement so far, by id. */
    public Map<String, List<Settlement>> settlements() {
        return new TreeMap<>(settlements);
    }

    /** The ids of which two settlements were in flight at the same time. */
    public List<String> overlapping() {
        return List.copyOf(overlapping);
    }

    /** How many settlements were made, duplicates included. */
    public int settlementCount() {
        return settlements.values().stream().mapToInt(List::size).sum();
    }

    /** Waits until {@code ids} distinct ids have been settled; fails after {@code timeout}. */
    public void awaitSettled(int ids, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100))
                .alias(ids + " ids settled").until(() -> settlements.size() >= ids);
    }

    private void settle(HttpExchange exchange) throws IOException {
        try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String id = exchange.getRequestURI().getPath().substring("/settle/".length());
            String node = String.valueOf(exchange.getRequestHeaders().getFirst("X-Node"));
            AtomicInteger running = inFlight.computeIfAbsent(id, key -> new AtomicInteger());
            if (running.incrementAndGet() > 1) {
                overlapping.add(id);
            }
            try {
                String receipt = "receipt-" + id + "-" + sequence.incrementAndGet();
                settlements.computeIfAbsent(id, key -> new CopyOnWriteArrayList<>()).add(new Settlement(receipt, node));
                holdFor(processingTime);
                byte[] body = receipt.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            } finally {
                running.decrementAndGet();
            }
        }
    }

    /** The ledger's own work on a request, as long as the test set. */
    private static void holdFor(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Stops listening, the handler threads and a pending {@link #upAfter}. */
    @Override
    public void close() {
        outage.shutdownNow();
        down();
        handlers.shutdownNow();
    }
}
