package dev.idem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Idem's loggers write through the platform's logging ({@code java.util.logging} here), and hold records
 * back between {@link IdemLogging#hold()} and {@link IdemLogging#release()}.
 */
class IdemLoggingTest {

    private final List<Logger> observed = new CopyOnWriteArrayList<>();

    @AfterEach
    void releaseAndDetach() {
        IdemLogging.release();
        for (Logger logger : observed) {
            for (Handler handler : logger.getHandlers()) {
                logger.removeHandler(handler);
            }
        }
    }

    @Test
    void writesAtOnceWhenNothingIsHeld(TestInfo test) {
        Recorder platform = observe(name(test), java.util.logging.Level.INFO);

        IdemLogging.logger(name(test)).log(Level.INFO, "claimed {0}", "evt_1");

        assertThat(platform.messages()).containsExactly("INFO claimed evt_1");
    }

    @Test
    void holdsRecordsBackUntilReleasedThenWritesThemInOrderAtTheConfiguredLevels(TestInfo test) {
        Recorder platform = observe(name(test), java.util.logging.Level.INFO);
        System.Logger logger = IdemLogging.logger(name(test));
        IllegalStateException fault = new IllegalStateException("store down");

        IdemLogging.hold();
        logger.log(Level.INFO, "connected to {0}", "jdbc:h2:mem:x");
        logger.log(Level.DEBUG, "wove com.example.Billing");
        logger.log(Level.ERROR, "could not renew", fault);
        assertThat(logger.isLoggable(Level.DEBUG)).as("while held, every level is kept").isTrue();
        assertThat(platform.records).as("nothing reaches the platform while held").isEmpty();
        Instant releasedAt = Instant.now();

        IdemLogging.release();

        assertThat(platform.messages()).containsExactly("INFO connected to jdbc:h2:mem:x", "SEVERE could not renew");
        assertThat(platform.records.get(1).getThrown()).isSameAs(fault);
        assertThat(platform.records).allSatisfy(record -> {
            assertThat(record.getInstant()).as("each record keeps the time it was written").isBeforeOrEqualTo(releasedAt);
            assertThat(record.getLoggerName()).isEqualTo(name(test));
            assertThat(record.getSourceClassName()).as("not the class that held it back").isNull();
        });
        assertThat(logger.isLoggable(Level.DEBUG)).as("after the release, the platform's level applies").isFalse();
        logger.log(Level.WARNING, "later");
        assertThat(platform.messages()).endsWith("WARNING later");
    }

    @Test
    void aRecordWrittenDuringTheReleaseNeitherWaitsForItNorJumpsAheadOfTheHeldOnes(TestInfo test) {
        System.Logger logger = IdemLogging.logger(name(test));
        AtomicBoolean writerReturned = new AtomicBoolean();
        Recorder platform = observe(name(test), java.util.logging.Level.INFO);
        platform.onPublish = record -> {
            if (record.getMessage().equals("held 1")) {
                Thread writer = new Thread(() -> logger.log(Level.INFO, "written during the release"));
                writer.start();
                try {
                    writer.join(TimeUnit.SECONDS.toMillis(5));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                writerReturned.set(!writer.isAlive());
            }
        };

        IdemLogging.hold();
        logger.log(Level.INFO, "held 1");
        logger.log(Level.INFO, "held 2");
        IdemLogging.release();

        assertThat(writerReturned).as("the writer returned while the release was writing").isTrue();
        assertThat(platform.messages()).containsExactly("INFO held 1", "INFO held 2", "INFO written during the release");
    }

    @Test
    void aHandlerThatThrowsDuringTheReleaseEndsTheHoldInsteadOfLeavingItStuck(TestInfo test) {
        Recorder platform = observe(name(test), java.util.logging.Level.INFO);
        platform.onPublish = record -> {
            throw new IllegalStateException("broken handler");
        };
        System.Logger logger = IdemLogging.logger(name(test));
        IdemLogging.hold();
        logger.log(Level.INFO, "held");

        assertThatThrownBy(IdemLogging::release).hasMessage("broken handler");

        platform.onPublish = record -> { };
        logger.log(Level.INFO, "after");
        IdemLogging.release();
        assertThat(platform.messages()).containsExactly("INFO held", "INFO after");
    }

    @Test
    void keepsTheFirstRecordsAndReportsHowManyWereDropped(TestInfo test) {
        Recorder platform = observe(name(test), java.util.logging.Level.ALL);
        Recorder report = observe(IdemLogging.class.getName(), java.util.logging.Level.ALL);
        System.Logger logger = IdemLogging.logger(name(test));

        IdemLogging.hold();
        for (int i = 0; i < IdemLogging.MAX_HELD + 5; i++) {
            logger.log(Level.INFO, "record " + i);
        }
        IdemLogging.release();

        assertThat(platform.records).hasSize(IdemLogging.MAX_HELD);
        assertThat(platform.messages().get(0)).isEqualTo("INFO record 0");
        assertThat(report.messages()).singleElement().asString().startsWith("WARNING Idem: 5 log records at INFO or above "
                + "were dropped");
    }

    @Test
    void aReleaseWithoutAHoldWritesNothing(TestInfo test) {
        Recorder report = observe(IdemLogging.class.getName(), java.util.logging.Level.ALL);

        IdemLogging.release();

        assertThat(report.records).isEmpty();
    }

    private static String name(TestInfo test) {
        return "dev.idem.test." + test.getTestMethod().orElseThrow().getName();
    }

    private Recorder observe(String name, java.util.logging.Level level) {
        Logger logger = Logger.getLogger(name);
        logger.setLevel(level);
        logger.setUseParentHandlers(false);
        Recorder recorder = new Recorder();
        logger.addHandler(recorder);
        observed.add(logger);
        return recorder;
    }

    /** A handler that keeps what it is given, with the message formatted. */
    private static final class Recorder extends Handler {
        final List<LogRecord> records = new CopyOnWriteArrayList<>();
        volatile Consumer<LogRecord> onPublish = record -> { };

        @Override
        public void publish(LogRecord record) {
            records.add(record);
            onPublish.accept(record);
        }

        List<String> messages() {
            java.util.logging.Formatter formatter = new java.util.logging.SimpleFormatter();
            return records.stream().map(record -> record.getLevel() + " " + formatter.formatMessage(record))
                    .collect(Collectors.toList());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
