package dev.idem.store.jdbc;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The store's own pool's connections, straight from a driver instance the store loaded itself, without
 * {@code DriverManager}. {@code DriverManager} finds the drivers visible to the thread that first uses it,
 * once for the whole JVM; if the store were that thread, running in the javaagent's isolated class loader,
 * the application's own drivers would never be found, and the agent would have to load them for it
 * before the application's {@code main}. Thread-safe.
 */
final class DriverConnections implements DataSource {

    private final Driver driver;
    private final String url;
    private final Properties properties;
    private volatile PrintWriter logWriter;
    private volatile int loginTimeoutSeconds;

    /** Connects with {@code driver} to {@code url}, passing {@code properties} (the user and password among them). */
    DriverConnections(Driver driver, String url, Properties properties) {
        this.driver = driver;
        this.url = url;
        this.properties = properties;
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(properties);
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
        Properties withLogin = new Properties();
        withLogin.putAll(properties);
        if (user != null) {
            withLogin.setProperty("user", user);
        }
        if (password != null) {
            withLogin.setProperty("password", password);
        }
        return connect(withLogin);
    }

    private Connection connect(Properties connectionProperties) throws SQLException {
        Connection connection = driver.connect(url, connectionProperties);
        if (connection == null) {
            throw new SQLException("the JDBC driver " + driver.getClass().getName() + " does not accept the store's URL",
                    "08001");
        }
        return connection;
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        return driver.getParentLogger();
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException("not a wrapper of " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }
}
