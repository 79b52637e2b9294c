package dev.idem.agent.bootstrap;

/**
 * What the woven advice calls, implemented by the engine in its isolated class loader. Every signature
 * uses JDK types only, so the bridge never drags a class of the engine or of its libraries into the
 * bootstrap class loader. Implementations are thread-safe.
 */
public interface Dispatcher {

    /**
     * Starts a call of a woven method: claims its key, or starts counting retries.
     *
     * @param type the declaring class of the woven method
     * @param method the method's name and descriptor, as in {@code charge(Lcom/x/Event;)Lcom/x/Receipt;}
     * @param target the instance, or {@code null} for a static method
     * @param args the arguments
     * @return the call's handle, passed to the other methods
     * @throws Throwable only the documented Idem exceptions
     */
    Object begin(Class<?> type, String method, Object target, Object[] args) throws Throwable;

    /** Whether the body must run ({@code false}: the call replays a stored outcome). */
    boolean proceed(Object call);

    /** Reports one run of the body; {@code true} when it must run again (the backoff was waited). */
    boolean afterAttempt(Object call, Object returned, Throwable thrown);

    /** The call's outcome: the value to return, or throws what the caller must get. */
    Object result(Object call) throws Throwable;

    /**
     * Builds the JSON machinery that values other than strings, whole numbers and booleans need; called
     * in the background once a woven method takes or returns such values and the application's class
     * loading has gone quiet, so its first call does not wait.
     */
    void prepareJson();

    /**
     * The logger the agent writes through: the platform's logger of that name, except that its records
     * are held back between {@link #holdLogs()} and {@link #releaseLogs()}.
     */
    default System.Logger logger(String name) {
        return System.getLogger(name);
    }

    /**
     * Holds the log records of the agent, the engine and its libraries back, so that nothing sets up the
     * platform's logging before the application has; called before the application's {@code main}.
     */
    default void holdLogs() {
    }

    /**
     * Writes the held log records and lets later ones through; called once the application's start has
     * settled, and at the latest when the JVM shuts down.
     */
    default void releaseLogs() {
    }
}
