package dev.idem.kafka;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The processing log's warnings: what was dropped, what could not be sent yet and what was lost, each
 * with its count since the last warning, at most once per interval. Engine threads and the producer's
 * I/O thread only note facts here ({@link #dropped()}, {@link #sendError}, {@link #failed}); the sender
 * thread writes the log lines ({@link #report}), and {@link KafkaProcessingLog#close} the last ones
 * after the sender has stopped.
 */
final class ProcessingLogReports {

    private final System.Logger log;
    private final String topic;
    private final String servers;
    private final String instance;
    private final ProcessingLogMetrics metrics;
    private final long intervalNanos;
    private final AtomicLong firstDropMillis = new AtomicLong();
    private final AtomicReference<Exception> lastSendError = new AtomicReference<>();
    private final AtomicReference<Exception> lastFailure = new AtomicReference<>();
    private long reportedDropped;
    private long reportedFailed;
    private long reportedSendErrors;
    private long nextReportNanos = System.nanoTime();

    ProcessingLogReports(System.Logger log, String topic, String servers, String instance, ProcessingLogMetrics metrics,
            Duration interval) {
        this.log = log;
        this.topic = topic;
        this.servers = servers;
        this.instance = instance;
        this.metrics = metrics;
        this.intervalNanos = interval.toNanos();
    }

    /** Notes that a transition was dropped (cheap: one read, and a write for the first drop of a run). */
    void dropped() {
        if (firstDropMillis.get() == 0) {
            firstDropMillis.compareAndSet(0, System.currentTimeMillis());
        }
    }

    void sendError(Exception error) {
        lastSendError.set(error);
    }

    void failed(Exception error) {
        lastFailure.set(error);
    }

    /** Logs what changed since the last report, unless the last one is less than an interval old. */
    void report(boolean now) {
        long nanos = System.nanoTime();
        if (!now && nanos - nextReportNanos < 0) {
            return;
        }
        boolean logged = reportDrops() | reportSendErrors() | reportFailures();
        if (logged) {
            nextReportNanos = nanos + intervalNanos;
        }
    }

    /** Logs, when closing, how many transitions were still undelivered when the timeout ran out. */
    void closed(long lost, Duration timeout) {
        if (lost > 0) {
            reportedFailed += lost;
            log.log(Level.WARNING, "processing log to topic ''{0}'': closed with {1} transitions not acknowledged by "
                    + "the broker at {2} within the close timeout of {3}; they are lost", topic, lost, servers,
                    timeout);
        }
    }

    private boolean reportDrops() {
        long dropped = metrics.dropped();
        if (dropped == reportedDropped) {
            return false;
        }
        long since = firstDropMillis.getAndSet(0);
        log.log(Level.WARNING, "processing log to topic ''{0}'': dropped {1} transitions since {2}: the buffer of {3} "
                + "transitions not yet acknowledged by the broker at {4} was full (or the log was closed); {5} dropped "
                + "in all. The gaps show in the topic as missing sequence numbers of instance {6}.", topic,
                dropped - reportedDropped, since == 0 ? "the last report" : Instant.ofEpochMilli(since),
                metrics.capacity(), servers, dropped, instance);
        reportedDropped = dropped;
        return true;
    }

    private boolean reportSendErrors() {
        long errors = metrics.sendErrors();
        if (errors == reportedSendErrors) {
            return false;
        }
        log.log(Level.WARNING, "processing log to topic ''{0}'': cannot send to the broker at {1} ({2}); {3} "
                + "transitions wait in the buffer and go out in order when it answers", topic, servers,
                lastSendError.get(), metrics.pending());
        reportedSendErrors = errors;
        return true;
    }

    private boolean reportFailures() {
        long failed = metrics.failed();
        if (failed == reportedFailed) {
            return false;
        }
        log.log(Level.WARNING, "processing log to topic ''{0}'': {1} transitions were refused by the broker at {2} "
                + "and are lost ({3}); {4} lost in all", topic, failed - reportedFailed, servers, lastFailure.get(),
                failed);
        reportedFailed = failed;
        return true;
    }
}
