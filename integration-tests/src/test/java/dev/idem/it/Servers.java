package dev.idem.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * The servers the tests share with the forked JVMs, addressed by {@code IDEM_TEST_POSTGRES_URL} (default
 * {@code jdbc:postgresql://127.0.0.1:5432/test?user=postgres}) and {@code IDEM_TEST_REDIS_URL} (default
 * {@code redis://127.0.0.1:6379}). A server that does not answer FAILS the test with how to start it: these
 * tests are never skipped.
 */
public final class Servers {

    private Servers() {
    }

    /** The PostgreSQL JDBC URL, with its credentials. */
    public static String postgresUrl() {
        return env("IDEM_TEST_POSTGRES_URL", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    }

    /** The Redis URI. */
    public static String redisUrl() {
        return env("IDEM_TEST_REDIS_URL", "redis://127.0.0.1:6379");
    }

    /** A new connection to PostgreSQL; fails the test clearly when it does not answer. */
    public static Connection postgres() {
        try {
            return DriverManager.getConnection(postgresUrl());
        } catch (SQLException e) {
            throw new AssertionError("PostgreSQL does not answer at " + postgresUrl() + " (" + e.getMessage() + "); "
                    + "start it (bash scripts/services.sh start) or set IDEM_TEST_POSTGRES_URL", e);
        }
    }

    /**
     * Sends one command to Redis (RESP, no client library needed) and returns the first line of the reply;
     * fails the test clearly when Redis does not answer.
     */
    public static String redis(String... command) {
        URI uri = URI.create(redisUrl());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort()), 2_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (uri.getUserInfo() != null) {
                String[] user = uri.getUserInfo().split(":", 2);
                send(out, user.length == 2 && !user[0].isEmpty() ? new String[] {"AUTH", user[0], user[1]}
                        : new String[] {"AUTH", user[user.length - 1]});
                readLine(in);
            }
            send(out, command);
            return readLine(in);
        } catch (IOException e) {
            throw new AssertionError("Redis does not answer at " + redisUrl() + " (" + e + "); start it (bash "
                    + "scripts/services.sh start) or set IDEM_TEST_REDIS_URL", e);
        }
    }

    /** Fails the test clearly unless Redis answers PING. */
    public static void requireRedis() {
        String reply = redis("PING");
        if (!reply.equals("+PONG")) {
            throw new AssertionError("Redis at " + redisUrl() + " answered PING with " + reply);
        }
    }

    private static void send(OutputStream out, String[] command) throws IOException {
        StringBuilder resp = new StringBuilder("*").append(command.length).append("\r\n");
        for (String part : command) {
            resp.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
        }
        out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
