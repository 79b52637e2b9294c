package dev.idem.bench;

import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

/**
 * db-scheduler's one-time executions in a table of their own on the same PostgreSQL: the table is created
 * with the columns and indexes of db-scheduler's documented PostgreSQL schema, and filled with one
 * execution of {@link #NO_OP_TASK} per job, due now, through its {@link SchedulerClient}'s batch
 * scheduling. A one-time execution is deleted when it completes, so the rows left are the jobs not done.
 * Used by one thread.
 */
final class DbSchedulerBacklog implements JobBacklog {

    /** The task every execution belongs to: it runs {@link NoOpJob#run} with the instance id as job number. */
    static final OneTimeTask<Void> NO_OP_TASK = Tasks.oneTime("bench-no-op")
            .execute((instance, context) -> NoOpJob.run(Long.parseLong(instance.getId())));

    private static final int SCHEDULE_BATCH = 1000;

    private final String table = "bdj_" + UUID.randomUUID().toString().substring(0, 8) + "_scheduled_tasks";
    private final HikariDataSource pool = BenchEndpoints.postgresPool("bench-coordinator", 2);

    DbSchedulerBacklog() throws Exception {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE " + table + " ("
                    + "task_name TEXT NOT NULL, "
                    + "task_instance TEXT NOT NULL, "
                    + "task_data BYTEA, "
                    + "execution_time TIMESTAMP WITH TIME ZONE NOT NULL, "
                    + "picked BOOLEAN NOT NULL, "
                    + "picked_by TEXT, "
                    + "last_success TIMESTAMP WITH TIME ZONE, "
                    + "last_failure TIMESTAMP WITH TIME ZONE, "
                    + "consecutive_failures INT, "
                    + "last_heartbeat TIMESTAMP WITH TIME ZONE, "
                    + "version BIGINT NOT NULL, "
                    + "priority SMALLINT, "
                    + "PRIMARY KEY (task_name, task_instance))");
            statement.execute("CREATE INDEX " + table + "_execution_time_idx ON " + table + " (execution_time)");
            statement.execute("CREATE INDEX " + table + "_last_heartbeat_idx ON " + table + " (last_heartbeat)");
            statement.execute("CREATE INDEX " + table + "_priority_execution_time_idx ON " + table
                    + " (priority DESC, execution_time ASC)");
        } catch (Exception e) {
            pool.close();
            throw e;
        }
    }

    /** The db-scheduler version on the class path, from its Maven metadata. */
    static String version() {
        try (InputStream in = DbSchedulerBacklog.class.getResourceAsStream(
                "/META-INF/maven/com.github.kagkarlsson/db-scheduler/pom.properties")) {
            if (in == null) {
                return "(version unknown)";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "(version unknown)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public JobSystem system() {
        return JobSystem.DB_SCHEDULER;
    }

    @Override
    public String location() {
        return table;
    }

    @Override
    public void prepare(int jobs) throws Exception {
        SchedulerClient client = SchedulerClient.Builder.create(pool, NO_OP_TASK).tableName(table).build();
        Instant now = Instant.now();
        for (int first = 0; first < jobs; first += SCHEDULE_BATCH) {
            List<TaskInstance<?>> batch = new ArrayList<>();
            for (int job = first; job < Math.min(jobs, first + SCHEDULE_BATCH); job++) {
                batch.add(NO_OP_TASK.instance(Integer.toString(job)));
            }
            client.scheduleBatch(batch, now);
        }
        long waiting = pending();
        if (waiting != jobs) {
            throw new IllegalStateException(system().label + ": " + jobs + " scheduled executions left " + waiting
                    + " rows in " + table);
        }
    }

    @Override
    public long pending() throws Exception {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Override
    public void verifyAllDone(int jobs) throws Exception {
        long left = pending();
        if (left != 0) {
            throw new IllegalStateException(system().label + ": " + left + " executions are still in " + table);
        }
    }

    @Override
    public void close() {
        try (Connection connection = pool.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("DROP TABLE IF EXISTS " + table);
        } catch (SQLException e) {
            throw new IllegalStateException("could not drop the table " + table, e);
        } finally {
            pool.close();
        }
    }
}
