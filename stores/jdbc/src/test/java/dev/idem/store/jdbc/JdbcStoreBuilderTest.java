package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idem.annotation.IdempotencyConfigurationException;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.Completion;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Building a store: what each setting accepts, what it refuses and how the message says so. */
class JdbcStoreBuilderTest {

    private static final Duration LEASE = Duration.ofSeconds(30);

    @Test
    void aUrlOrADataSourceIsRequiredButNotBoth() {
        assertThatThrownBy(() -> JdbcStore.builder().build()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("either url(...) or dataSource(...)");
        assertThatThrownBy(() -> JdbcStore.builder().url("jdbc:h2:mem:x").dataSource(new JdbcDataSource()).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not both");
        assertThatThrownBy(() -> JdbcStore.builder().url("postgresql://db/app"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:");
    }

    @Test
    void anUnknownDatabaseIsRefusedUnlessADialectIsSet() {
        assertThatThrownBy(() -> JdbcStore.builder().url("jdbc:sqlite:/tmp/idem.db").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("jdbc:sqlite:/tmp/idem.db")
                .hasMessageContaining("dialect(");
    }

    @Test
    void theTablePrefixMustBeAnIdentifier() {
        for (String bad : new String[] {"", "idem-", "1idem_", "idem_; DROP TABLE x", "a".repeat(31), "idem.", null}) {
            assertThatThrownBy(() -> JdbcStore.builder().tablePrefix(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("table prefix");
        }
        JdbcStore.builder().tablePrefix("_Idem2_").tablePrefix("a".repeat(30));
    }

    @Test
    void poolSettingsAreCheckedAndRefusedWithADataSource() {
        assertThatThrownBy(() -> JdbcStore.builder().poolSize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("poolSize");
        assertThatThrownBy(() -> JdbcStore.builder().connectionTimeout(Duration.ofMillis(100)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("connectionTimeout");
        assertThatThrownBy(() -> JdbcStore.builder().queryTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("queryTimeout");
        assertThatThrownBy(() -> JdbcStore.builder().url("jdbc:h2:mem:x").connectionTimeout(Duration.ofSeconds(1))
                .validationTimeout(Duration.ofSeconds(1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("validationTimeout");
        assertThatThrownBy(() -> JdbcStore.builder().dataSource(new JdbcDataSource()).poolSize(3).user("u").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[poolSize, user]")
                .hasMessageContaining("application's pool");
    }

    @Test
    void aDatabaseThatIsNotRunningFailsTheBuildInBoundedTimeWithoutShowingThePassword() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long start = System.nanoTime();

        assertThatThrownBy(() -> JdbcStore.builder().url("jdbc:postgresql://127.0.0.1:" + closedPort + "/app?password=s3cret")
                .password("s3cret").connectionTimeout(Duration.ofSeconds(1)).validationTimeout(Duration.ofMillis(500))
                .build())
                .isInstanceOf(IdempotencyStoreUnavailableException.class)
                .hasMessageContaining("jdbc:postgresql://127.0.0.1:" + closedPort + "/app")
                .hasMessageNotContaining("s3cret");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void refusedCredentialsAreAConfigurationError() {
        String url = TestDatabases.mariaDbUrl().replaceAll("user=[^&]*", "user=idem_nobody_" + UUID.randomUUID()
                .toString().substring(0, 8));

        assertThatThrownBy(() -> JdbcStore.builder().url(url).password("wrong").build())
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("cannot log in")
                .hasMessageNotContaining("wrong");
    }

    @Test
    void anApplicationDataSourceIsUsedAndLeftOpen() throws SQLException {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(TestDatabases.postgresUrl());
        config.setMaximumPoolSize(2);
        config.setAutoCommit(false);
        try (HikariDataSource application = new HikariDataSource(config)) {
            try (JdbcStore store = JdbcStore.builder().dataSource(application).createSchema(true).build()) {
                assertThat(store.dialect()).isEqualTo(JdbcDialect.POSTGRESQL);
                assertThat(store.toString()).contains("postgresql", "idem_");
                String key = "builder:" + UUID.randomUUID();
                assertThat(store.claim(new ClaimRequest(key, null, LEASE, "n", null))).isInstanceOf(ClaimResult.Claimed.class);
                assertThat(store.find(key)).isPresent();
            }
            assertThat(application.isClosed()).isFalse();
            try (Connection connection = application.getConnection()) {
                assertThat(connection.isValid(1)).isTrue();
            }
        }
    }

    @Test
    void theDialectIsDetectedFromTheDataSourceAndCanBeSet() {
        JdbcDataSource h2 = new JdbcDataSource();
        h2.setURL(TestDatabases.h2Url("detect"));
        try (JdbcStore detected = JdbcStore.builder().dataSource(h2).createSchema(true).build();
                JdbcStore set = JdbcStore.builder().dataSource(h2).dialect(JdbcDialect.H2).build()) {
            assertThat(detected.dialect()).isEqualTo(JdbcDialect.H2);
            assertThat(set.dialect()).isEqualTo(JdbcDialect.H2);
        }
    }

    @Test
    void manyNodesCreatingTheSchemaAtOnceAllSucceed() throws Exception {
        String url = TestDatabases.postgresUrl();
        String prefix = TestDatabases.uniquePrefix("race");
        ExecutorService nodes = Executors.newFixedThreadPool(4);
        try {
            List<Future<JdbcDialect>> builds = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Callable<JdbcDialect> build = () -> {
                    try (JdbcStore store = JdbcStore.builder().url(url).tablePrefix(prefix).createSchema(true).poolSize(1)
                            .build()) {
                        return store.dialect();
                    }
                };
                builds.add(nodes.submit(build));
            }
            for (Future<JdbcDialect> build : builds) {
                assertThat(build.get(30, TimeUnit.SECONDS)).isEqualTo(JdbcDialect.POSTGRESQL);
            }
        } finally {
            nodes.shutdownNow();
            TestDatabases.dropTables(url, prefix);
        }
    }

    @Test
    void anH2FileKeepsItsRecordsWhenTheStoreIsOpenedAgain(@TempDir Path directory) {
        String url = "jdbc:h2:file:" + directory.resolve("idem").toAbsolutePath();
        String key = "builder:restart";
        try (JdbcStore store = JdbcStore.builder().url(url).createSchema(true).build()) {
            ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "n", null));
            store.complete(new Completion(key, claimed.token(), new byte[] {42}, Duration.ofHours(1), Duration.ZERO, "n"));
        }

        try (JdbcStore reopened = JdbcStore.builder().url(url).build()) {
            ClaimResult replay = reopened.claim(new ClaimRequest(key, null, LEASE, "n", null));
            assertThat(((ClaimResult.Completed) replay).result()).containsExactly(42);
        }
    }

    @Test
    void theShownUrlHasNoOptionsOrCredentials() {
        assertThat(JdbcStore.Builder.displayUrl("jdbc:postgresql://db:5432/app?user=a&password=b"))
                .isEqualTo("jdbc:postgresql://db:5432/app");
        assertThat(JdbcStore.Builder.displayUrl("jdbc:mysql://app:secret@db/app")).isEqualTo("jdbc:mysql://db/app");
        assertThat(JdbcStore.Builder.displayUrl("jdbc:h2:mem:idem;PASSWORD=x")).isEqualTo("jdbc:h2:mem:idem");
    }
}
