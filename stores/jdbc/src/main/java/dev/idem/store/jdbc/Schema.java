package dev.idem.store.jdbc;

import dev.idem.annotation.IdempotencyConfigurationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The store's three tables under one prefix: their names, the shipped SQL that creates them, and the
 * check that they exist with the columns this version reads. Immutable and thread-safe.
 */
final class Schema {

    /** The prefix the shipped SQL files use. */
    static final String DEFAULT_PREFIX = "idem_";

    private static final int CREATE_ATTEMPTS = 5;
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,29}");
    private static final Pattern DEFAULT_PREFIXED_NAME = Pattern.compile("\\b" + DEFAULT_PREFIX);

    static final String RECORD_COLUMNS = "record_key, original_key, state, last_event, fingerprint, token, attempt, "
            + "owner_node, created_at, updated_at, lease_until, next_attempt_at, expires_at, result, error_type, "
            + "error_message, invocation, has_steps, audit_seq";
    static final String HISTORY_COLUMNS = "record_key, seq, event, state, attempt, token, node, occurred_at, "
            + "elapsed_micros, error_type, error_message, fingerprint, detail";
    static final String STEP_COLUMNS = "record_key, step_name, step_value";

    final JdbcDialect dialect;
    final String prefix;
    final String records;
    final String history;
    final String steps;

    Schema(JdbcDialect dialect, String prefix) {
        this.dialect = dialect;
        this.prefix = requirePrefix(prefix);
        this.records = prefix + "records";
        this.history = prefix + "history";
        this.steps = prefix + "steps";
    }

    /**
     * {@code template} with its placeholders replaced: {@code {records}}, {@code {history}} and
     * {@code {steps}} by the table names, {@code {now}} by the database's current time and
     * {@code {later}} by the current time plus a bound number of microseconds.
     */
    String expand(String template) {
        return template.replace("{records}", records).replace("{history}", history).replace("{steps}", steps)
                .replace("{later}", dialect.plusMicros(dialect.now())).replace("{now}", dialect.now());
    }

    /**
     * Checks a table prefix: a letter or underscore, then letters, digits and underscores, at most 30 in
     * all (so that every index name stays within PostgreSQL's 63 characters).
     */
    static String requirePrefix(String prefix) {
        if (prefix == null || !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("the table prefix must be 1 to 30 characters: a letter or '_', then "
                    + "letters, digits or '_' (for example 'idem_'); got '" + prefix + "'");
        }
        return prefix;
    }

    /** The shipped SQL for the dialect, with {@code idem_} replaced by this prefix. */
    String sql() {
        String resource = dialect.schemaResource();
        try (InputStream in = Schema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + resource + " is missing from the idem-store-jdbc jar");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return DEFAULT_PREFIXED_NAME.matcher(text).replaceAll(Matcher.quoteReplacement(prefix));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the resource " + resource, e);
        }
    }

    /** The statements of {@link #sql()}, without comments. */
    List<String> statements() {
        StringBuilder code = new StringBuilder();
        for (String line : sql().split("\n")) {
            if (!line.strip().startsWith("--")) {
                code.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : code.toString().split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }

    /**
     * Creates the tables and indexes that do not exist yet. Another node creating them at the same time
     * can make a statement fail (PostgreSQL's {@code IF NOT EXISTS} is not atomic); the statements are then
     * run again, a few times, since each of them is idempotent.
     */
    void create(Connection connection) throws SQLException {
        for (int attempt = 1; ; attempt++) {
            try (Statement statement = connection.createStatement()) {
                for (String sql : statements()) {
                    statement.execute(sql);
                }
                return;
            } catch (SQLException e) {
                if (attempt == CREATE_ATTEMPTS || Failures.unreachable(dialect, e)) {
                    throw e;
                }
                pauseAfter(e, attempt);
            }
        }
    }

    private static void pauseAfter(SQLException failure, int attempt) throws SQLException {
        try {
            Thread.sleep(50L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    /**
     * Checks that the three tables exist with every column this version uses.
     *
     * @throws IdempotencyConfigurationException naming the table and how to create it
     */
    void verify(Connection connection) throws SQLException {
        String[][] tables = {{records, RECORD_COLUMNS}, {history, HISTORY_COLUMNS}, {steps, STEP_COLUMNS}};
        for (String[] table : tables) {
            try {
                select(connection, table[0], table[1]);
            } catch (SQLException e) {
                if (!definitionProblem(e)) {
                    throw e;
                }
                throw new IdempotencyConfigurationException("the JDBC store's table " + table[0] + " is missing or lacks "
                        + "columns (" + Failures.describe(e) + "). Create the tables with the SQL file "
                        + "dev/idem/store/jdbc/" + dialect.schemaResource() + " from the idem-store-jdbc jar (replace "
                        + "'idem_' with '" + prefix + "'; JdbcStore.schemaSql(JdbcDialect." + dialect.name() + ", \""
                        + prefix + "\") returns it ready to run) in your migrations, or let the store create them with "
                        + "JdbcStore.builder().createSchema(true)", e);
            }
        }
    }

    private static void select(Connection connection, String table, String columns) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT " + columns + " FROM " + table + " WHERE 1 = 0").close();
        }
    }

    /** SQLState class 42 (syntax error or access rule violation): an unknown table or column. */
    private static boolean definitionProblem(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("42");
    }
}
