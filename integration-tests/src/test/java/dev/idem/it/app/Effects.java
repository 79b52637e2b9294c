package dev.idem.it.app;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The side effect the tests count: one row INSERTed into a PostgreSQL table that has no unique constraint, so a
 * second execution of a body shows up as a second row. One connection per thread. Thread-safe.
 */
final class Effects implements AutoCloseable {

    private final String url;
    private final String insert;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();

    Effects(String url, String table) {
        if (!table.matches("[a-z0-9_]+")) {
            throw new IllegalArgumentException("bad table name " + table);
        }
        this.url = url;
        this.insert = "INSERT INTO " + table + " (event_id, result, node) VALUES (?, ?, ?)";
    }

    /** Records that the body for {@code eventId} ran on {@code node} and produced {@code result}. */
    void insert(String eventId, String result, String node) {
        try (PreparedStatement statement = connection().prepareStatement(insert)) {
            statement.setString(1, eventId);
            statement.setString(2, result);
            statement.setString(3, node);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the effect of " + eventId + ": " + e.getMessage(), e);
        }
    }

    private Connection connection() throws SQLException {
        Connection current = connection.get();
        if (current == null) {
            current = DriverManager.getConnection(url);
            connections.add(current);
            connection.set(current);
        }
        return current;
    }

    @Override
    public void close() throws SQLException {
        for (Connection open : connections) {
            open.close();
        }
    }
}
