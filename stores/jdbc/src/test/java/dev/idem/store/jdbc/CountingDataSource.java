package dev.idem.store.jdbc;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * A data source in front of a real one that hands out one real connection, again and again, and logs
 * every JDBC call on it that makes the driver talk to the database: statement executions, commits and
 * rollbacks, and changes of auto-commit or isolation. A test seam, not a mock: every call goes to the
 * real connection. Closing a handed-out connection does not close the real one. Thread-safe.
 */
final class CountingDataSource implements DataSource {

    private static final Set<String> EXECUTIONS = Set.of("execute", "executeQuery", "executeUpdate",
            "executeLargeUpdate", "executeBatch", "executeLargeBatch");

    private final Connection connection;
    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());

    CountingDataSource(Connection connection) {
        this.connection = connection;
    }

    /** The calls since the last {@link #reset()}, each as its method and the start of its SQL. */
    List<String> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    void reset() {
        calls.clear();
    }

    @Override
    public Connection getConnection() {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                new CountingConnection());
    }

    @Override
    public Connection getConnection(String username, String password) {
        return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        throw new UnsupportedOperationException("no log writer");
    }

    @Override
    public void setLoginTimeout(int seconds) {
        throw new UnsupportedOperationException("the connection is open already");
    }

    @Override
    public int getLoginTimeout() {
        return 0;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return false;
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static String start(String sql) {
        String flat = sql.strip().replaceAll("\\s+", " ");
        return flat.length() > 60 ? flat.substring(0, 60) + "..." : flat;
    }

    private final class CountingConnection implements InvocationHandler {

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    return null;
                case "isClosed":
                    return false;
                case "commit":
                case "rollback":
                    calls.add(method.getName());
                    break;
                case "setAutoCommit":
                    if (connection.getAutoCommit() != (Boolean) args[0]) {
                        calls.add("setAutoCommit(" + args[0] + ")");
                    }
                    break;
                case "setTransactionIsolation":
                    if (connection.getTransactionIsolation() != (Integer) args[0]) {
                        calls.add("setTransactionIsolation(" + args[0] + ")");
                    }
                    break;
                default:
                    break;
            }
            Object result = CountingDataSource.invoke(connection, method, args);
            if (result instanceof Statement statement) {
                Class<?> type = result instanceof CallableStatement ? CallableStatement.class
                        : result instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
                String sql = args != null && args.length > 0 && args[0] instanceof String text ? start(text) : "";
                return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type},
                        new CountingStatement(statement, sql));
            }
            return result;
        }
    }

    private final class CountingStatement implements InvocationHandler {

        private final Statement statement;
        private final String sql;

        CountingStatement(Statement statement, String sql) {
            this.statement = statement;
            this.sql = sql;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (EXECUTIONS.contains(method.getName())) {
                calls.add(method.getName() + ": " + (args != null && args.length > 0 && args[0] instanceof String text
                        ? start(text) : sql));
            }
            return CountingDataSource.invoke(statement, method, args);
        }
    }
}
