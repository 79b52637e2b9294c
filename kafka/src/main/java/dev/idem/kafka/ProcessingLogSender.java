package dev.idem.kafka;

import dev.idem.Transition;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The processing log's one background thread: takes the buffer's transitions in order and hands each to
 * the producer. A transition the producer will not take yet (no metadata, producer buffer full: a
 * {@link RetriableException} before it was appended) stays first and is offered again after a backoff,
 * so nothing overtakes it. Only the sender thread touches {@link #current} until {@link #stop()} has
 * joined it.
 */
final class ProcessingLogSender {

    /** A buffered transition and its sequence number in the log instance. */
    record Pending(Transition transition, long sequence) {
    }

    private static final long POLL_MILLIS = 100;
    private static final long MIN_BACKOFF_MILLIS = 50;
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final String instance;
    private final BlockingQueue<Pending> buffer;
    private final ProcessingLogMetrics metrics;
    private final ProcessingLogReports reports;
    private final Thread thread;
    private volatile boolean stopping;
    private ProducerRecord<String, byte[]> current;
    private boolean handing;
    private Exception refusal;

    ProcessingLogSender(Producer<String, byte[]> producer, String topic, String instance,
            BlockingQueue<Pending> buffer, ProcessingLogMetrics metrics, ProcessingLogReports reports) {
        this.producer = producer;
        this.topic = topic;
        this.instance = instance;
        this.buffer = buffer;
        this.metrics = metrics;
        this.reports = reports;
        this.thread = new Thread(this::run, "idem-processing-log-" + topic);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops the thread (interrupting a send that waits for the broker) and waits for it to end. */
    void stop() {
        stopping = true;
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** After {@link #stop()}: removes and counts the transitions never handed to the producer. */
    long unsent() {
        long count = current == null ? 0 : 1;
        current = null;
        while (buffer.poll() != null) {
            count++;
        }
        return count;
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        while (!stopping) {
            reports.report(false);
            try {
                if (current == null) {
                    Pending next = buffer.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    if (next == null) {
                        continue;
                    }
                    current = record(next);
                }
                Exception refused = hand(current);
                if (refused == null) {
                    current = null;
                    backoff = MIN_BACKOFF_MILLIS;
                } else if (refused instanceof RetriableException) {
                    metrics.countSendError();
                    reports.sendError(refused);
                    Thread.sleep(backoff);
                    backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
                } else {
                    giveUp(refused);
                }
            } catch (InterruptedException | InterruptException stopped) {
                // stop() interrupts a poll, a backoff or a send that waits for the broker; current stays unsent
                return;
            } catch (RuntimeException unexpected) {
                giveUp(unexpected);
            }
        }
    }

    /** Counts the record in hand (or the one being taken from the buffer) as failed, and goes on. */
    private void giveUp(Exception why) {
        current = null;
        metrics.countFailed(1);
        reports.failed(why);
    }

    private ProducerRecord<String, byte[]> record(Pending pending) {
        Transition transition = pending.transition();
        byte[] json = ProcessingLogEntry.of(transition, instance, pending.sequence()).toJson();
        return new ProducerRecord<>(topic, null, transition.at().toEpochMilli(), transition.key(), json);
    }

    /** Hands the record to the producer; returns why the producer would not take it, or {@code null}. */
    private Exception hand(ProducerRecord<String, byte[]> record) {
        refusal = null;
        handing = true;
        try {
            producer.send(record, (metadata, error) -> completed(error));
        } catch (InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            refusal = e;
        } finally {
            handing = false;
        }
        return refusal;
    }

    /**
     * The producer's callback. It runs on the sender thread, inside {@code send}, when the producer
     * refused the record before appending it; then the record is still {@link #current}. Otherwise it
     * runs on the producer's I/O thread with the broker's verdict.
     */
    private void completed(Exception error) {
        if (error == null) {
            metrics.countSent();
        } else if (Thread.currentThread() == thread && handing) {
            refusal = error;
        } else {
            metrics.countFailed(1);
            reports.failed(error);
        }
    }
}
