package dev.idem.spring.boot;

import dev.idem.kafka.KafkaProcessingLog;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * The Kafka processing log, when {@code idem-kafka} is on the class path and
 * {@code idem.kafka.bootstrap-servers} is set: the engine hands it every transition, and it publishes them
 * without ever slowing a call. Backs off when the application defines its own {@link KafkaProcessingLog}.
 */
@AutoConfiguration(before = IdemAutoConfiguration.class)
@ConditionalOnClass(KafkaProcessingLog.class)
@ConditionalOnProperty(name = "idem.kafka.bootstrap-servers")
public final class IdemKafkaAutoConfiguration {

    /** The processing log; closed (flushing what it can) after the engine. */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    KafkaProcessingLog idemProcessingLog(IdemProperties properties) {
        IdemProperties.Kafka kafka = properties.getKafka();
        return KafkaProcessingLog.builder()
                .bootstrapServers(kafka.getBootstrapServers())
                .topic(kafka.getTopic())
                .bufferSize(kafka.getBufferSize())
                .closeTimeout(kafka.getCloseTimeout())
                .reportInterval(kafka.getReportInterval())
                .clientId(kafka.getClientId())
                .producerProperties(kafka.getProducer())
                .build();
    }
}
