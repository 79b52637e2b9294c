package dev.idem.bench;

/**
 * The coordinator's side of one system under test: a namespace of its own (tables or keys no other run
 * uses), the jobs prepared in it, how many are left, and the clean-up. Used by one thread.
 */
interface JobBacklog extends AutoCloseable {

    /** The system. */
    JobSystem system();

    /** The namespace the worker JVMs are given: a table prefix, a key prefix or a table name. */
    String location();

    /**
     * Makes {@code jobs} jobs, due now, each running {@link NoOpJob#run} once, and checks that exactly
     * that many are waiting.
     */
    void prepare(int jobs) throws Exception;

    /** How many jobs are not done yet. */
    long pending() throws Exception;

    /**
     * Checks, once {@link #pending()} is zero, that all {@code jobs} jobs are done and none failed.
     *
     * @throws IllegalStateException naming what is wrong
     */
    void verifyAllDone(int jobs) throws Exception;

    /** Removes the namespace's tables or keys. */
    @Override
    void close();
}
