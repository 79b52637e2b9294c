package dev.idem.kafka;

import dev.idem.Audit;
import dev.idem.Idem;
import dev.idem.IdemLogging;
import dev.idem.IdempotencyPolicy;
import dev.idem.IdempotentOperation;
import dev.idem.RetryPolicy;
import dev.idem.annotation.IdempotencyDeadException;
import dev.idem.annotation.IdempotencyDeferredException;
import dev.idem.annotation.IdempotencyException;
import dev.idem.annotation.IdempotencyKeyMismatchException;
import dev.idem.annotation.IdempotencyReplayedFailureException;
import dev.idem.annotation.OnFailure;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * An idempotent Kafka consumer: runs a {@link RecordHandler} at most once to completion per message,
 * however often the message is delivered (a redelivery after a rebalance or a crash before the offset
 * commit, a producer's retry, a duplicate publish). Each record's key comes from a {@link RecordKey}
 * (by default a well-known header, the CloudEvents id, or the payload's hash) and is claimed in an Idem
 * store through an {@link IdempotentOperation}, so the engine's semantics hold: fencing, leases,
 * waiting for a duplicate that is still running, retries, remembered failures, saved steps
 * ({@code Steps.run} inside the handler).
 *
 * <pre>{@code
 * IdempotentConsumer<String, String> orders = IdempotentConsumer
 *         .builder(idem, "orders", (ConsumerRecord<String, String> record) -> ledger.post(record.value()))
 *         .key(RecordKey.header("message_id"))
 *         .build();
 * while (running) {
 *     orders.poll(kafkaConsumer, Duration.ofSeconds(1));   // enable.auto.commit=false
 * }
 * }</pre>
 *
 * <p>{@link #poll} commits a record's offset only after its outcome is recorded in the store; a record
 * that is not settled is delivered again, after {@link Builder#redeliveryBackoff(Duration)}. Any other
 * poll loop (a Spring Kafka listener, a framework's) can call {@link #handle} per record and commit or
 * redeliver by its outcome.
 *
 * <p>Thread-safe: one instance may serve several consumers, each polled by its own thread (a
 * {@link Consumer} itself is not thread-safe).
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
public final class IdempotentConsumer<K, V> {

    /** How long a partition pauses, by default, before a record that was not settled is delivered again. */
    public static final Duration DEFAULT_REDELIVERY_BACKOFF = Duration.ofSeconds(1);

    private static final System.Logger LOG = IdemLogging.logger(IdempotentConsumer.class.getName());

    private final String namespace;
    private final IdempotencyPolicy policy;
    private final IdempotentOperation<Void> operation;
    private final RecordKey<K, V> keys;
    private final RecordHandler<K, V> handler;
    private final long redeliveryBackoffNanos;
    private final Map<Consumer<?, ?>, Map<TopicPartition, Long>> paused =
            Collections.synchronizedMap(new WeakHashMap<>());

    private IdempotentConsumer(Builder<K, V> builder) {
        this.namespace = builder.policy.name();
        this.policy = builder.policy;
        this.operation = builder.idem.operation(builder.policy, builder.retry, Void.class);
        this.keys = builder.keys;
        this.handler = builder.handler;
        this.redeliveryBackoffNanos = builder.redeliveryBackoff.toNanos();
    }

    /**
     * A builder for records whose keys live in {@code namespace} (in the engine's sense: the first part
     * of the full key), with the default {@link IdempotencyPolicy}.
     */
    public static <K, V> Builder<K, V> builder(Idem idem, String namespace, RecordHandler<K, V> handler) {
        return builder(idem, IdempotencyPolicy.named(namespace).build(), handler);
    }

    /**
     * A builder with an explicit policy; its {@link IdempotencyPolicy#name()} is the namespace and is
     * required. The lease bounds how long a consumer that died holding a record delays the next one;
     * {@code waitTimeout} how long a delivery waits for another consumer that still processes it.
     */
    public static <K, V> Builder<K, V> builder(Idem idem, IdempotencyPolicy policy, RecordHandler<K, V> handler) {
        return new Builder<>(idem, policy, handler);
    }

    /**
     * Runs the handler for {@code record} unless a delivery of the same message has already settled,
     * and says how this delivery settled. Blocks while another consumer holds the key (up to the
     * policy's {@code waitTimeout}, by default).
     *
     * @return the outcome; every outcome is settled, so the record's offset may be committed
     * @throws Exception when this delivery is not settled and the record must be delivered again: what
     *     the handler threw (after the retry policy) when the key was released;
     *     {@link dev.idem.annotation.IdempotencyInProgressException} when another consumer still holds
     *     the key; {@link dev.idem.annotation.IdempotencyStoreUnavailableException} when the store cannot
     *     be reached; {@link dev.idem.annotation.IdempotencyLeaseLostException} when this consumer held
     *     the key too long and another took it over
     */
    public RecordOutcome handle(ConsumerRecord<K, V> record) throws Exception {
        Objects.requireNonNull(record, "record");
        String key = keys.keyOf(record);
        if (key == null || key.isBlank()) {
            LOG.log(Level.WARNING, "{0}: record {1} has no idempotency key; it is skipped without running the "
                    + "handler. Choose a key source that every record has (IdempotentConsumer.Builder.key).",
                    namespace, position(record));
            return RecordOutcome.REJECTED;
        }
        String fullKey = Audit.fullKey(namespace, key);
        boolean[] ran = {false};
        try {
            operation.execute(key, record.value(), () -> {
                ran[0] = true;
                handler.handle(record);
                return null;
            });
            return ran[0] ? RecordOutcome.PROCESSED : RecordOutcome.DUPLICATE;
        } catch (IdempotencyKeyMismatchException e) {
            if (!fullKey.equals(e.key())) {
                throw e;
            }
            LOG.log(Level.WARNING, "{0}: record {1} reuses the key ''{2}'' of an earlier message with another "
                    + "payload; it is skipped without running the handler", namespace, position(record), key);
            return RecordOutcome.REJECTED;
        } catch (IdempotencyDeferredException e) {
            return RecordOutcome.DEFERRED;
        } catch (IdempotencyDeadException e) {
            LOG.log(Level.WARNING, "{0}: record {1}: key ''{2}'' is dead ({3}); it waits for an operator to requeue "
                    + "or cancel it", namespace, position(record), e.key(), e.lastErrorType());
            return RecordOutcome.DEAD;
        } catch (Exception e) {
            if (remembered(fullKey, e, ran[0])) {
                return RecordOutcome.FAILED;
            }
            throw e;
        }
    }

    /**
     * Polls {@code consumer} once, handles every record it returns, and commits the offsets of the
     * records that settled. Per partition, records are handled in order; the first one that does not
     * settle stops its partition: the consumer seeks back to it and pauses the partition for the
     * redelivery backoff, so it comes again in a later poll, while the other partitions go on. Offsets
     * are committed synchronously, once per poll, up to the last settled record of each partition; when
     * a rebalance makes the commit fail, the records are delivered again and settle as
     * {@link RecordOutcome#DUPLICATE}.
     *
     * <p>The consumer must not auto-commit ({@code enable.auto.commit=false}), and only this method may
     * poll it. Keep the policy's lease and wait timeout well under {@code max.poll.interval.ms}.
     *
     * @return how many records settled
     * @throws org.apache.kafka.common.errors.WakeupException after {@link Consumer#wakeup()}, as
     *     {@link Consumer#poll(Duration)} does
     */
    public int poll(Consumer<K, V> consumer, Duration timeout) {
        resumeDue(consumer);
        ConsumerRecords<K, V> records = consumer.poll(timeout);
        Map<TopicPartition, OffsetAndMetadata> settled = new HashMap<>();
        int count = 0;
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<K, V> record : records.records(partition)) {
                try {
                    handle(record);
                } catch (Exception e) {
                    redeliverLater(consumer, partition, record, e);
                    break;
                }
                count++;
                settled.put(partition, new OffsetAndMetadata(record.offset() + 1, record.leaderEpoch(), ""));
            }
        }
        if (!settled.isEmpty()) {
            try {
                consumer.commitSync(settled);
            } catch (CommitFailedException | RebalanceInProgressException | TimeoutException e) {
                LOG.log(Level.WARNING, "{0}: offsets {1} were not committed ({2}); those records will be delivered "
                        + "again and settle as duplicates", namespace, settled, e.toString());
            }
        }
        return count;
    }

    @Override
    public String toString() {
        return "IdempotentConsumer[" + namespace + "]";
    }

    private void redeliverLater(Consumer<K, V> consumer, TopicPartition partition, ConsumerRecord<K, V> record,
            Exception failure) {
        consumer.seek(partition, new OffsetAndMetadata(record.offset(), record.leaderEpoch(), ""));
        consumer.pause(Set.of(partition));
        long resumeAt = System.nanoTime() + redeliveryBackoffNanos;
        paused.computeIfAbsent(consumer, c -> new HashMap<>()).put(partition, resumeAt);
        LOG.log(Level.WARNING, "{0}: record {1} is not settled and will be delivered again in {2} ms: {3}", namespace,
                position(record), redeliveryBackoffNanos / 1_000_000, failure.toString());
    }

    private void resumeDue(Consumer<K, V> consumer) {
        Map<TopicPartition, Long> partitions = paused.get(consumer);
        if (partitions == null || partitions.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        Set<TopicPartition> assigned = consumer.assignment();
        for (Iterator<Map.Entry<TopicPartition, Long>> it = partitions.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<TopicPartition, Long> entry = it.next();
            if (!assigned.contains(entry.getKey())) {
                it.remove();
            } else if (now - entry.getValue() >= 0) {
                consumer.resume(Set.of(entry.getKey()));
                it.remove();
            }
        }
    }

    /** Whether {@code failure} left the key {@code FAILED}: a remembered failure, fresh or replayed. */
    private boolean remembered(String fullKey, Exception failure, boolean ran) {
        if (failure instanceof IdempotencyReplayedFailureException replayed) {
            return fullKey.equals(replayed.key());
        }
        for (Throwable suppressed : failure.getSuppressed()) {
            if (suppressed instanceof IdempotencyReplayedFailureException replayed && fullKey.equals(replayed.key())) {
                return true;
            }
        }
        if (!ran || failure instanceof IdempotencyException || policy.onFailure() != OnFailure.REMEMBER) {
            return false;
        }
        return policy.rememberOn().isEmpty() || policy.rememberOn().stream().anyMatch(type -> type.isInstance(failure));
    }

    private static String position(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /**
     * Builds an {@link IdempotentConsumer}; not thread-safe.
     *
     * @param <K> the record key type
     * @param <V> the record value type
     */
    public static final class Builder<K, V> {
        private final Idem idem;
        private final IdempotencyPolicy policy;
        private final RecordHandler<K, V> handler;
        private RetryPolicy retry;
        private RecordKey<K, V> keys = RecordKey.defaults();
        private Duration redeliveryBackoff = DEFAULT_REDELIVERY_BACKOFF;

        private Builder(Idem idem, IdempotencyPolicy policy, RecordHandler<K, V> handler) {
            this.idem = Objects.requireNonNull(idem, "idem");
            this.policy = Objects.requireNonNull(policy, "policy");
            this.handler = Objects.requireNonNull(handler, "handler");
        }

        /** Where each record's key comes from. Default {@link RecordKey#defaults()}. */
        public Builder<K, V> key(RecordKey<K, V> keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /**
         * Retries of the handler within one delivery, inside one claim; {@code null} (the default) for
         * none. It must not defer: a deferred job needs a method a worker can call again.
         */
        public Builder<K, V> retry(RetryPolicy retry) {
            this.retry = retry;
            return this;
        }

        /** How long {@link IdempotentConsumer#poll} pauses a partition before redelivering. Default 1 s. */
        public Builder<K, V> redeliveryBackoff(Duration redeliveryBackoff) {
            Objects.requireNonNull(redeliveryBackoff, "redeliveryBackoff");
            if (redeliveryBackoff.isNegative()) {
                throw new IllegalArgumentException("redeliveryBackoff must not be negative: " + redeliveryBackoff);
            }
            this.redeliveryBackoff = redeliveryBackoff;
            return this;
        }

        /**
         * The consumer.
         *
         * @throws dev.idem.annotation.IdempotencyConfigurationException when the policy has no name or the
         *     retry policy defers
         */
        public IdempotentConsumer<K, V> build() {
            return new IdempotentConsumer<>(this);
        }
    }
}
