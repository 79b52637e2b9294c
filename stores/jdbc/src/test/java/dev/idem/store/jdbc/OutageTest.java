package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.idem.Idem;
import dev.idem.annotation.IdempotencyStoreUnavailableException;
import dev.idem.annotation.Idempotent;
import dev.idem.testing.ReflectiveWeaver;
import dev.idem.store.ClaimRequest;
import dev.idem.store.ClaimResult;
import dev.idem.store.ErrorInfo;
import dev.idem.store.Failure;
import dev.idem.store.FailureOutcome;
import dev.idem.testing.TcpProxy;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The database goes away behind a loopback proxy while calls go through the real engine: with the
 * connection cut (a server that is down) and with a black hole (a partition, where only timeouts help),
 * an idempotent call fails closed with the store-unavailable exception in bounded time and its body does
 * not run; when the database is back, calls succeed again on the same store. A row locked by another
 * transaction for too long fails a claim in bounded time too, by the query timeout.
 */
class OutageTest {

    /** With the timeouts below: 1 s to get a connection, 1 s per statement plus 1 s for its answer. */
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final Duration LEASE = Duration.ofSeconds(30);

    record Order(String id) {
    }

    static final class Orders {
        final AtomicInteger runs = new AtomicInteger();

        @Idempotent(key = "#order.id")
        String ship(Order order) {
            runs.incrementAndGet();
            return "shipped-" + order.id();
        }
    }

    @Test
    void postgresqlOutagesFailClosedInBoundedTimeAndCallsRecoverByThemselves() throws IOException {
        survivesOutages(TestDatabases.postgresUrl(), 5432);
    }

    @Test
    void mariaDbOutagesFailClosedInBoundedTimeAndCallsRecoverByThemselves() throws IOException {
        survivesOutages(TestDatabases.mariaDbUrl(), 3306);
    }

    private static void survivesOutages(String url, int defaultPort) throws IOException {
        try (TcpProxy proxy = new TcpProxy(TestDatabases.host(url), TestDatabases.port(url, defaultPort));
                JdbcStore store = TestDatabases.open(TestDatabases.builder(TestDatabases.throughPort(url, proxy.port()))
                        .poolSize(2).connectionTimeout(Duration.ofSeconds(1)).validationTimeout(Duration.ofMillis(500))
                        .queryTimeout(Duration.ofSeconds(1)), url);
                Idem idem = Idem.builder().store(store).purgeInterval(Duration.ZERO).build()) {
            ReflectiveWeaver weaver = new ReflectiveWeaver(idem);
            Orders orders = new Orders();
            assertThat((String) weaver.call(orders, "ship", new Order("before-" + UUID.randomUUID()))).startsWith("shipped-");

            proxy.cut();
            failsClosedInBoundedTime(weaver, orders);

            proxy.blackhole();
            failsClosedInBoundedTime(weaver, orders);

            proxy.restore();
            Order after = new Order("after-" + UUID.randomUUID());
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(
                    IdempotencyStoreUnavailableException.class).until(() -> weaver.call(orders, "ship", after) != null);
            for (int i = 0; i < 5; i++) {
                Order next = new Order("recovered-" + i + "-" + UUID.randomUUID());
                assertThat((String) weaver.call(orders, "ship", next)).isEqualTo("shipped-" + next.id());
            }
            assertThat(orders.runs).hasValue(7);
        }
    }

    @Test
    void onPostgresqlAClaimBlockedByALockHeldElsewhereFailsWithinTheQueryTimeout() throws SQLException {
        failsWhileLocked(TestDatabases.postgresUrl());
    }

    @Test
    void onMariaDbAClaimBlockedByALockHeldElsewhereFailsWithinTheQueryTimeout() throws SQLException {
        failsWhileLocked(TestDatabases.mariaDbUrl());
    }

    /** A released key must be written to be claimed again; another transaction holds its row meanwhile. */
    private static void failsWhileLocked(String url) throws SQLException {
        String key = "outage:locked-" + UUID.randomUUID();
        try (JdbcStore store = TestDatabases.open(TestDatabases.builder(url).queryTimeout(Duration.ofSeconds(1)), url);
                Connection locker = TestDatabases.connect(url)) {
            ClaimResult.Claimed claimed = (ClaimResult.Claimed) store.claim(new ClaimRequest(key, null, LEASE, "a", null));
            store.fail(new Failure(key, claimed.token(), new FailureOutcome.Release(Duration.ofHours(1)),
                    new ErrorInfo("E", null), Duration.ZERO, "a"));
            locker.setAutoCommit(false);
            try (PreparedStatement lock = locker.prepareStatement(
                    "SELECT token FROM idem_records WHERE record_key = ? FOR UPDATE")) {
                lock.setString(1, key);
                lock.executeQuery().close();
            }
            long start = System.nanoTime();

            assertThatThrownBy(() -> store.claim(new ClaimRequest(key, null, LEASE, "b", null)))
                    .isInstanceOf(IdempotencyStoreUnavailableException.class).hasMessageContaining(key);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
            locker.rollback();
            assertThat(store.claim(new ClaimRequest(key, null, LEASE, "b", null))).isInstanceOf(ClaimResult.Claimed.class);
        }
    }

    private static void failsClosedInBoundedTime(ReflectiveWeaver weaver, Orders orders) {
        int runs = orders.runs.get();
        long start = System.nanoTime();

        assertThatThrownBy(() -> weaver.call(orders, "ship", new Order("during-" + UUID.randomUUID())))
                .isInstanceOf(IdempotencyStoreUnavailableException.class).hasMessageContaining("was not run");

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUND);
        assertThat(orders.runs).as("the body did not run").hasValue(runs);
    }
}
