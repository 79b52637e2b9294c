package dev.idem;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.ResourceBundle;
import java.util.logging.LogRecord;

/**
 * Where Idem's own log records go: {@link #logger(String)} gives a {@link System.Logger} that looks up the
 * platform's logger of that name only when it first has a record to write, so that using Idem never sets
 * up logging by itself.
 *
 * <p>An embedder that starts before the application has set up its logging, as the javaagent does, calls
 * {@link #hold()} first: from then until {@link #release()}, records of every level are kept in memory
 * (the first {@value #MAX_HELD}; those at {@code INFO} and above beyond that are counted and reported) and
 * nothing reaches the platform's logging. Otherwise an application that installs its own
 * {@code java.util.logging.LogManager} in its {@code main} would find the JDK's already in place.
 * {@link #release()} then writes the kept records in order, through loggers that apply the levels the
 * application configured. Thread-safe.
 */
public final class IdemLogging {

    /** The most records kept while holding. */
    public static final int MAX_HELD = 1_000;

    /** The package of the JDK's {@code System.Logger}s when the platform's logging is {@code java.util.logging}. */
    private static final String JUL_BACKEND = "sun.util.logging.internal.";
    private static final Map<Level, java.util.logging.Level> JUL_LEVELS = new EnumMap<>(Map.of(
            Level.ALL, java.util.logging.Level.ALL, Level.TRACE, java.util.logging.Level.FINER,
            Level.DEBUG, java.util.logging.Level.FINE, Level.INFO, java.util.logging.Level.INFO,
            Level.WARNING, java.util.logging.Level.WARNING, Level.ERROR, java.util.logging.Level.SEVERE,
            Level.OFF, java.util.logging.Level.OFF));

    private static final Object LOCK = new Object();
    private static final List<HeldRecord> HELD = new ArrayList<>();
    private static boolean holding;
    private static boolean draining;
    private static int dropped;
    /** Whether a hold may be on, read without the lock so that logging after a release takes none. */
    private static volatile boolean mayHold;

    private IdemLogging() {
    }

    /** The logger named {@code name}; the platform's logger is looked up at its first record. */
    public static System.Logger logger(String name) {
        return new HeldBackLogger(name);
    }

    /** Holds records back until {@link #release()}; records already written are not affected. */
    public static void hold() {
        synchronized (LOCK) {
            holding = true;
            mayHold = true;
        }
    }

    /**
     * Writes the records held since {@link #hold()}, in order, followed by a warning if some had to be
     * dropped, and lets later records through at once. Records written meanwhile join the queue, so the
     * order holds and no caller waits while the platform's logging sets itself up. Does nothing when
     * nothing is held back; waits for a release already under way on another thread.
     */
    public static void release() {
        synchronized (LOCK) {
            while (draining) {
                try {
                    LOCK.wait();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (!holding) {
                return;
            }
            draining = true;
        }
        boolean finished = false;
        try {
            for (List<HeldRecord> batch = nextBatchOrFinish(); !batch.isEmpty(); batch = nextBatchOrFinish()) {
                for (HeldRecord record : batch) {
                    record.write();
                }
            }
            finished = true;
        } finally {
            if (!finished) {
                synchronized (LOCK) {
                    HELD.clear();
                    finish();
                }
            }
        }
        int lost;
        synchronized (LOCK) {
            lost = dropped;
            dropped = 0;
        }
        if (lost > 0) {
            System.getLogger(IdemLogging.class.getName()).log(Level.WARNING, "Idem: " + lost
                    + " log records at INFO or above were dropped while its start was held back; the first "
                    + MAX_HELD + " records are above");
        }
    }

    /**
     * The records held so far, taken out of the queue; when there are none, the hold ends in the same step,
     * so that no record can join the queue after the release has looked at it for the last time.
     */
    private static List<HeldRecord> nextBatchOrFinish() {
        synchronized (LOCK) {
            if (HELD.isEmpty()) {
                finish();
                return List.of();
            }
            List<HeldRecord> batch = new ArrayList<>(HELD);
            HELD.clear();
            return batch;
        }
    }

    /** Ends the hold and the release under way; called holding {@link #LOCK}. */
    private static void finish() {
        holding = false;
        draining = false;
        mayHold = false;
        LOCK.notifyAll();
    }

    /** Whether records are held back now; then {@code record} is kept or dropped instead of written. */
    private static boolean heldBack(HeldRecord record) {
        synchronized (LOCK) {
            if (!holding) {
                return false;
            }
            if (HELD.size() < MAX_HELD) {
                HELD.add(record);
            } else if (record.level.getSeverity() >= Level.INFO.getSeverity()) {
                dropped++;
            }
            return true;
        }
    }

    /** A logger that holds records back while {@link #hold()} is on, and finds its platform logger late. */
    private static final class HeldBackLogger implements System.Logger {

        private final String name;
        private volatile System.Logger platform;

        HeldBackLogger(String name) {
            this.name = name;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean isLoggable(Level level) {
            if (mayHold) {
                synchronized (LOCK) {
                    if (holding) {
                        return level != Level.OFF;
                    }
                }
            }
            return platform().isLoggable(level);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable thrown) {
            if (!mayHold && !platform().isLoggable(level)) {
                return;
            }
            HeldRecord record = new HeldRecord(this, level, bundle, message, thrown, null);
            if (!mayHold || !heldBack(record)) {
                record.write();
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... parameters) {
            if (!mayHold && !platform().isLoggable(level)) {
                return;
            }
            HeldRecord record = new HeldRecord(this, level, bundle, format, null, parameters);
            if (!mayHold || !heldBack(record)) {
                record.write();
            }
        }

        private System.Logger platform() {
            System.Logger found = platform;
            if (found == null) {
                found = System.getLogger(name);
                platform = found;
            }
            return found;
        }
    }

    /**
     * One record: what was passed to the logger and when, written at once or, when held back, later. When
     * the platform's logging is {@code java.util.logging} the record keeps its own time and names its logger
     * as its source, whether or not it was held back (the frames it comes through, Idem's and its
     * libraries' logging adapters, are of no use to a reader).
     */
    private record HeldRecord(HeldBackLogger logger, Level level, ResourceBundle bundle, String message,
            Throwable thrown, Object[] parameters, Instant at) {

        HeldRecord(HeldBackLogger logger, Level level, ResourceBundle bundle, String message, Throwable thrown,
                Object[] parameters) {
            this(logger, level, bundle, message, thrown, parameters, Instant.now());
        }

        void write() {
            System.Logger platform = logger.platform();
            if (platform.getClass().getName().startsWith(JUL_BACKEND)) {
                writeToJul();
            } else if (parameters == null) {
                platform.log(level, bundle, message, thrown);
            } else {
                platform.log(level, bundle, message, parameters);
            }
        }

        private void writeToJul() {
            java.util.logging.Logger target = java.util.logging.Logger.getLogger(logger.name);
            java.util.logging.Level julLevel = JUL_LEVELS.get(level);
            if (!target.isLoggable(julLevel)) {
                return;
            }
            LogRecord record = new LogRecord(julLevel, message);
            record.setLoggerName(logger.name);
            record.setInstant(at);
            record.setSourceClassName(null);
            record.setSourceMethodName(null);
            record.setThrown(thrown);
            record.setParameters(parameters);
            if (bundle != null) {
                record.setResourceBundle(bundle);
                record.setResourceBundleName(bundle.getBaseBundleName());
            }
            target.log(record);
        }
    }
}
