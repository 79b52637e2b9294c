package dev.idem.it;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A PostgreSQL table, unique to one test run and with NO unique constraint, into which the applications'
 * bodies insert one row per execution ({@code event_id, result, node}); so the count of rows of an event is
 * the number of times its body ran. Dropped on {@link #close()}. Not thread-safe.
 */
public final class EffectsTable implements AutoCloseable {

    private final String name;

    private EffectsTable(String name) {
        this.name = name;
    }

    /** Creates {@code it_effects_<run>}; fails the test clearly when PostgreSQL does not answer. */
    public static EffectsTable create(String runId) {
        EffectsTable table = new EffectsTable("it_effects_" + runId);
        table.execute("CREATE TABLE " + table.name + " (event_id TEXT NOT NULL, result TEXT NOT NULL, node TEXT NOT NULL, "
                + "at TIMESTAMPTZ NOT NULL DEFAULT now())");
        return table;
    }

    /** The table's name. */
    public String name() {
        return name;
    }

    /** One executed body. */
    public record Row(String eventId, String result, String node) {
    }

    /** Every row. */
    public List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = Servers.postgres(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT event_id, result, node FROM " + name)) {
            while (result.next()) {
                rows.add(new Row(result.getString(1), result.getString(2), result.getString(3)));
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot read " + name + ": " + e.getMessage(), e);
        }
        return rows;
    }

    /** {@code SELECT event_id, count(*) ... GROUP BY event_id}: how often each event's body ran. */
    public Map<String, Long> countsByEvent() {
        Map<String, Long> counts = new TreeMap<>();
        try (Connection connection = Servers.postgres(); Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT event_id, count(*) FROM " + name + " GROUP BY event_id")) {
            while (result.next()) {
                counts.put(result.getString(1), result.getLong(2));
            }
        } catch (SQLException e) {
            throw new AssertionError("cannot count " + name + ": " + e.getMessage(), e);
        }
        return counts;
    }

    /** Drops the table. */
    @Override
    public void close() {
        execute("DROP TABLE IF EXISTS " + name);
    }

    private void execute(String sql) {
        try (Connection connection = Servers.postgres(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL refused " + sql + ": " + e.getMessage(), e);
        }
    }
}
