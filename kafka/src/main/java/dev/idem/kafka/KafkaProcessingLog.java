package dev.idem.kafka;

import dev.idem.IdemLogging;
import dev.idem.Transition;
import dev.idem.TransitionListener;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The processing log: publishes every {@link Transition} of the engine to a Kafka topic, keyed by the
 * full idempotency key, as a {@link ProcessingLogEntry} in JSON. Register it with the engine:
 *
 * <pre>{@code
 * KafkaProcessingLog log = KafkaProcessingLog.builder().bootstrapServers("kafka:9092").build();
 * Idem idem = Idem.builder().store(store).listener(log).build();
 * ...
 * idem.close();
 * log.close();   // flushes what is buffered, for at most the close timeout
 * }</pre>
 *
 * <p><b>Never in the way of a business call.</b> {@link #onTransition} only puts the transition in a
 * bounded in-memory buffer and returns; one background thread hands the buffer to an idempotent
 * producer ({@code acks=all}, at most 5 requests in flight, unlimited retries), so the records of a key
 * reach their partition in the order the engine made the transitions, and a broker that is slow or
 * down never delays or fails the call that made them.
 *
 * <p><b>When the broker is down</b>, transitions wait in the buffer (and the producer's retries) for
 * as long as it takes, and are sent in order when it answers again. The buffer holds at most
 * {@link Builder#bufferSize(int)} transitions not yet acknowledged; past that, new transitions are
 * dropped: counted in {@link ProcessingLogMetrics#dropped()}, reported in a warning at most once per
 * {@link Builder#reportInterval(Duration)} that says how many were dropped and since when, and visible
 * in the topic as gaps in {@link ProcessingLogEntry#sequence()}. Transitions are lost when the process
 * dies with them in the buffer, or when {@link #close()} runs out of time; both are counted and logged
 * where the process lives to do so.
 *
 * <p>Thread-safe: any number of engine threads may call {@link #onTransition} at once.
 */
public final class KafkaProcessingLog implements TransitionListener, AutoCloseable {

    /** The topic by default. */
    public static final String DEFAULT_TOPIC = "idem.transitions";
    /** The most transitions the buffer holds by default. */
    public static final int DEFAULT_BUFFER_SIZE = 10_000;
    /** How long {@link #close()} waits for the buffer to drain by default. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** How often, at most, a warning about dropped or undelivered transitions is logged by default. */
    public static final Duration DEFAULT_REPORT_INTERVAL = Duration.ofSeconds(10);
    /** How long the producer may block the sender thread for metadata or buffer space by default. */
    public static final Duration DEFAULT_MAX_BLOCK = Duration.ofSeconds(5);

    private static final System.Logger LOG = IdemLogging.logger(KafkaProcessingLog.class.getName());

    /** The producer settings that per-key order and durability need, and that callers cannot change. */
    private static final Map<String, String> FIXED = Map.of(
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.RETRIES_CONFIG, String.valueOf(Integer.MAX_VALUE),
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, String.valueOf(Integer.MAX_VALUE));
    private static final int MAX_IN_FLIGHT_WITH_ORDER = 5;

    private final String topic;
    private final String bootstrapServers;
    private final String instance = UUID.randomUUID().toString();
    private final AtomicLong sequence = new AtomicLong();
    private final ProcessingLogMetrics metrics;
    private final ProcessingLogReports reports;
    private final BlockingQueue<ProcessingLogSender.Pending> buffer = new LinkedBlockingQueue<>();
    private final Producer<String, byte[]> producer;
    private final ProcessingLogSender sender;
    private final Duration closeTimeout;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicInteger callsInside = new AtomicInteger();

    private KafkaProcessingLog(Builder builder, Map<String, Object> producerConfig) {
        this.topic = builder.topic;
        this.bootstrapServers = builder.bootstrapServers;
        this.closeTimeout = builder.closeTimeout;
        this.metrics = new ProcessingLogMetrics(builder.bufferSize);
        this.reports = new ProcessingLogReports(LOG, topic, bootstrapServers, instance, metrics,
                builder.reportInterval);
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        this.sender = new ProcessingLogSender(producer, topic, instance, buffer, metrics, reports);
    }

    /** A builder; only the bootstrap servers are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Buffers {@code transition} for the background sender and returns at once; drops it, counted and
     * reported, when the buffer is full or the log is closed. Never blocks, never throws.
     */
    @Override
    public void onTransition(Transition transition) {
        callsInside.incrementAndGet();
        try {
            long number = sequence.incrementAndGet();
            if (closed.get() || !metrics.tryQueue()) {
                metrics.countDropped();
                reports.dropped();
                return;
            }
            buffer.add(new ProcessingLogSender.Pending(transition, number));
        } finally {
            callsInside.decrementAndGet();
        }
    }

    /** The counters: queued, sent, dropped, failed, send errors, pending. */
    public ProcessingLogMetrics metrics() {
        return metrics;
    }

    /** The topic the transitions go to. */
    public String topic() {
        return topic;
    }

    /** This log instance's id, written as {@link ProcessingLogEntry#instance()} in every record. */
    public String instance() {
        return instance;
    }

    /** Closes with the configured close timeout (default {@link #DEFAULT_CLOSE_TIMEOUT}). */
    @Override
    public void close() {
        close(closeTimeout);
    }

    /**
     * Stops taking transitions (later ones are dropped and counted), waits up to {@code timeout} for the
     * buffer to be acknowledged by the broker, then stops the sender and the producer. Transitions still
     * undelivered then are counted as {@linkplain ProcessingLogMetrics#failed() failed} and logged. Later
     * calls do nothing.
     */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        while (callsInside.get() > 0) {
            Thread.onSpinWait();
        }
        long deadline = System.nanoTime() + Math.max(0, timeout.toNanos());
        while (metrics.pending() > 0 && deadline - System.nanoTime() > 0 && !Thread.currentThread().isInterrupted()) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        sender.stop();
        long failedBefore = metrics.failed();
        long neverSent = sender.unsent();
        metrics.countFailed(neverSent);
        producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        long lost = metrics.failed() - failedBefore;
        reports.closed(lost, timeout);
        reports.report(true);
        LOG.log(Level.DEBUG, "processing log to topic ''{0}'' closed: {1}", topic, metrics);
    }

    @Override
    public String toString() {
        return "KafkaProcessingLog[topic=" + topic + ", bootstrapServers=" + bootstrapServers + ", " + metrics + "]";
    }

    /**
     * Builds a {@link KafkaProcessingLog}; not thread-safe. {@link #build()} creates the producer (it
     * connects lazily, so a broker that is down does not fail the build) and starts the sender thread.
     */
    public static final class Builder {
        private String bootstrapServers;
        private String topic = DEFAULT_TOPIC;
        private int bufferSize = DEFAULT_BUFFER_SIZE;
        private Duration closeTimeout = DEFAULT_CLOSE_TIMEOUT;
        private Duration reportInterval = DEFAULT_REPORT_INTERVAL;
        private String clientId = "idem-processing-log";
        private final Map<String, Object> producerProperties = new HashMap<>();

        private Builder() {
        }

        /** The brokers, {@code host:port[,host:port...]}. Required. */
        public Builder bootstrapServers(String bootstrapServers) {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must name at least one broker, host:port");
            }
            this.bootstrapServers = bootstrapServers.strip();
            return this;
        }

        /** The topic. Default {@value KafkaProcessingLog#DEFAULT_TOPIC}. */
        public Builder topic(String topic) {
            if (topic == null || topic.isBlank()) {
                throw new IllegalArgumentException("topic must not be blank");
            }
            this.topic = topic;
            return this;
        }

        /**
         * The most transitions held while the broker has not acknowledged them; past that, new ones are
         * dropped and counted. Default {@value KafkaProcessingLog#DEFAULT_BUFFER_SIZE}.
         */
        public Builder bufferSize(int bufferSize) {
            if (bufferSize < 1) {
                throw new IllegalArgumentException("bufferSize must be at least 1: " + bufferSize);
            }
            this.bufferSize = bufferSize;
            return this;
        }

        /** How long {@link KafkaProcessingLog#close()} waits for the buffer to drain. Default 10 s. */
        public Builder closeTimeout(Duration closeTimeout) {
            this.closeTimeout = requireNotNegative(closeTimeout, "closeTimeout");
            return this;
        }

        /** How often, at most, warnings about dropped or undelivered transitions are logged. Default 10 s. */
        public Builder reportInterval(Duration reportInterval) {
            this.reportInterval = requireNotNegative(reportInterval, "reportInterval");
            return this;
        }

        /** The producer's {@code client.id}. Default {@code idem-processing-log}. */
        public Builder clientId(String clientId) {
            this.clientId = Objects.requireNonNull(clientId, "clientId");
            return this;
        }

        /**
         * Any other producer setting ({@code security.protocol}, {@code compression.type},
         * {@code linger.ms}, ...). The settings that per-key order needs are fixed and refused here when
         * they differ: {@code enable.idempotence=true}, {@code acks=all}, unlimited {@code retries} and
         * {@code delivery.timeout.ms}, and {@code max.in.flight.requests.per.connection} at most 5.
         * {@code max.block.ms} (default 5 s) bounds how long the sender thread waits for a broker that
         * is down before it counts a send error and tries again.
         */
        public Builder producerProperty(String name, Object value) {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value of " + name);
            String fixed = FIXED.get(name);
            if (fixed != null && !fixed.equals(value.toString())) {
                throw new IllegalArgumentException("the processing log needs " + name + "=" + fixed
                        + " so that the records of a key stay in order and are not lost; it cannot be " + value);
            }
            if (name.equals(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION)) {
                int inFlight = Integer.parseInt(value.toString());
                if (inFlight < 1 || inFlight > MAX_IN_FLIGHT_WITH_ORDER) {
                    throw new IllegalArgumentException(name + " must be 1 to " + MAX_IN_FLIGHT_WITH_ORDER
                            + " for an idempotent producer to keep the records of a key in order: " + value);
                }
            }
            if (name.equals(ProducerConfig.TRANSACTIONAL_ID_CONFIG)
                    || name.equals(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG)
                    || name.equals(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG)) {
                throw new IllegalArgumentException("the processing log sets " + name + " itself");
            }
            producerProperties.put(name, value);
            return this;
        }

        /** {@link #producerProperty(String, Object)} for each entry. */
        public Builder producerProperties(Map<String, ?> properties) {
            properties.forEach(this::producerProperty);
            return this;
        }

        /**
         * The log, with its sender thread running.
         *
         * @throws IllegalStateException when no bootstrap servers were set
         * @throws org.apache.kafka.common.KafkaException when the producer settings are invalid
         */
        public KafkaProcessingLog build() {
            if (bootstrapServers == null) {
                throw new IllegalStateException("the processing log needs bootstrapServers(\"host:port\")");
            }
            Map<String, Object> config = new HashMap<>();
            config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) DEFAULT_MAX_BLOCK.toMillis());
            config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, MAX_IN_FLIGHT_WITH_ORDER);
            config.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
            config.putAll(producerProperties);
            config.putAll(FIXED);
            config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            // Kafka loads the classes its settings name through the context class loader, and its threads
            // inherit it: inside an isolated class loader (the javaagent's), that must be the one with Kafka.
            Thread thread = Thread.currentThread();
            ClassLoader previous = thread.getContextClassLoader();
            thread.setContextClassLoader(KafkaProducer.class.getClassLoader());
            try {
                return new KafkaProcessingLog(this, config);
            } finally {
                thread.setContextClassLoader(previous);
            }
        }

        private static Duration requireNotNegative(Duration duration, String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative()) {
                throw new IllegalArgumentException(name + " must not be negative: " + duration);
            }
            return duration;
        }
    }
}
