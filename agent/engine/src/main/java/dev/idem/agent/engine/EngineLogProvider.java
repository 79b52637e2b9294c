package dev.idem.agent.engine;

import dev.idem.IdemLogging;
import java.lang.System.Logger.Level;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J provider of the engine's libraries (HikariCP, Lettuce and Netty, the Kafka client): their
 * records go to {@link IdemLogging} loggers of the same names, so they reach the platform's logging
 * ({@code java.util.logging} unless the application installs another {@code System.LoggerFinder}) and are
 * held back with the engine's own records while the application starts. Found by SLF4J's service loader
 * in the engine's class loader only; the application's SLF4J, if any, never sees it. Thread-safe.
 */
public final class EngineLogProvider implements SLF4JServiceProvider {

    private static final Map<org.slf4j.event.Level, Level> LEVELS = new EnumMap<>(Map.of(
            org.slf4j.event.Level.ERROR, Level.ERROR, org.slf4j.event.Level.WARN, Level.WARNING,
            org.slf4j.event.Level.INFO, Level.INFO, org.slf4j.event.Level.DEBUG, Level.DEBUG,
            org.slf4j.event.Level.TRACE, Level.TRACE));

    private final ConcurrentMap<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, PlatformLogger::new);
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up: loggers are made on demand
    }

    /** An SLF4J logger writing to the {@link IdemLogging} logger of its name. */
    private static final class PlatformLogger extends LegacyAbstractLogger {

        private static final long serialVersionUID = 1L;

        private final transient System.Logger target;

        PlatformLogger(String name) {
            this.name = name;
            this.target = IdemLogging.logger(name);
        }

        @Override
        public boolean isTraceEnabled() {
            return target.isLoggable(Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return target.isLoggable(Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return target.isLoggable(Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return target.isLoggable(Level.WARNING);
        }

        @Override
        public boolean isErrorEnabled() {
            return target.isLoggable(Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(org.slf4j.event.Level level, Marker marker, String pattern,
                Object[] arguments, Throwable thrown) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            target.log(LEVELS.get(level), (java.util.ResourceBundle) null, message, thrown);
        }
    }
}
