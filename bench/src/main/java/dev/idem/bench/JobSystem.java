package dev.idem.bench;

/** A system whose deferred-job throughput {@link DeferredJobsBenchmark} measures, in the order it runs them. */
enum JobSystem {
    IDEM_POSTGRES("idem-postgres", "Idem, PostgreSQL"),
    DB_SCHEDULER("db-scheduler", "db-scheduler " + DbSchedulerBacklog.version() + ", PostgreSQL"),
    IDEM_REDIS("idem-redis", "Idem, Redis");

    /** How the coordinator names the system to a worker JVM. */
    final String id;
    /** How the table names it. */
    final String label;

    JobSystem(String id, String label) {
        this.id = id;
        this.label = label;
    }

    static JobSystem byId(String id) {
        for (JobSystem system : values()) {
            if (system.id.equals(id)) {
                return system;
            }
        }
        throw new IllegalArgumentException("unknown system '" + id + "'");
    }
}
