package dev.idem.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The work a consumer does for one record: its effect. {@link IdempotentConsumer} runs it at most once
 * per key to completion, however often the record is delivered. Implementations must be thread-safe
 * when one {@link IdempotentConsumer} is shared by several consumer threads.
 *
 * @param <K> the record key type
 * @param <V> the record value type
 */
@FunctionalInterface
public interface RecordHandler<K, V> {

    /**
     * Does the record's work. A throw is a failure of this delivery: it is retried by the consumer's
     * retry policy, then released (the record is delivered again) or remembered, as the policy says.
     */
    void handle(ConsumerRecord<K, V> record) throws Exception;
}
