package dev.idem.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idem.Idem;
import dev.idem.annotation.Idempotent;
import dev.idem.testing.ReflectiveWeaver;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * What an idempotent call costs in round trips to the database, through the real engine. The store gets
 * its connections from a {@link CountingDataSource} over one real connection, which logs every JDBC call
 * that makes the driver talk to the database (statement executions, commits, rollbacks, auto-commit and
 * isolation changes); on PostgreSQL a {@link CountingSocketFactory} also counts the requests on the wire.
 * Lease renewal and purging are off so that no background call interleaves.
 */
class RoundTripTest {

    record Payment(String id, long cents) {
    }

    static final class Payments {
        final AtomicInteger runs = new AtomicInteger();

        @Idempotent(key = "#payment.id")
        String charge(Payment payment) {
            runs.incrementAndGet();
            return "receipt-" + payment.id();
        }
    }

    /** The JDBC calls (and, on PostgreSQL, requests on the wire) of a first call and of a duplicate. */
    private record Costs(int firstCall, int duplicate, int firstCallOnTheWire, int duplicateOnTheWire) {
    }

    private static Costs measure(String url) throws SQLException {
        try (Connection connection = TestDatabases.connect(url)) {
            CountingDataSource counting = new CountingDataSource(connection);
            try (JdbcStore store = JdbcStore.builder().dataSource(counting).createSchema(true).build();
                    Idem idem = Idem.builder().store(store).renewLeases(false).purgeInterval(Duration.ZERO).build()) {
                ReflectiveWeaver weaver = new ReflectiveWeaver(idem);
                Payments payments = new Payments();
                weaver.call(payments, "charge", new Payment("warm-up-" + UUID.randomUUID(), 1));
                Payment payment = new Payment("evt-" + UUID.randomUUID(), 4200);

                counting.reset();
                CountingSocketFactory.ROUND_TRIPS.set(0);
                assertThat((String) weaver.call(payments, "charge", payment)).isEqualTo("receipt-" + payment.id());
                int firstCall = counting.calls().size();
                int firstCallOnTheWire = CountingSocketFactory.ROUND_TRIPS.get();
                String firstCalls = counting.calls().toString();

                counting.reset();
                CountingSocketFactory.ROUND_TRIPS.set(0);
                assertThat((String) weaver.call(payments, "charge", payment)).isEqualTo("receipt-" + payment.id());
                assertThat(payments.runs).as("the body ran once per payment").hasValue(2);

                Costs costs = new Costs(firstCall, counting.calls().size(), firstCallOnTheWire,
                        CountingSocketFactory.ROUND_TRIPS.get());
                System.out.println(store + ": first call " + firstCalls + ", duplicate " + counting.calls());
                return costs;
            }
        }
    }

    @Test
    void onPostgresqlAFirstCallCostsTwoRoundTripsAndADuplicateOne() throws SQLException {
        String url = TestDatabases.postgresUrl();
        String counted = url + (url.contains("?") ? "&" : "?") + "socketFactory=" + CountingSocketFactory.class.getName();

        Costs costs = measure(counted);

        assertThat(costs.firstCall()).as("JDBC calls of a first call (claim, complete)").isEqualTo(2);
        assertThat(costs.duplicate()).as("JDBC calls of a duplicate (claim)").isEqualTo(1);
        assertThat(costs.firstCallOnTheWire()).as("requests on the wire of a first call").isEqualTo(2);
        assertThat(costs.duplicateOnTheWire()).as("requests on the wire of a duplicate").isEqualTo(1);
    }

    @Test
    void onMariaDbAFirstCallIsTwoShortTransactionsAndADuplicateOneStatement() throws SQLException {
        Costs costs = measure(TestDatabases.mariaDbUrl());

        assertThat(costs.firstCall()).as("claim: read, then begin, insert, history, commit; complete: begin, update, "
                + "delete steps, history, commit").isEqualTo(10);
        assertThat(costs.duplicate()).as("claim: read").isEqualTo(1);
    }

    @Test
    void onH2AFirstCallIsTwoShortTransactionsAndADuplicateOneStatement() throws SQLException {
        Costs costs = measure(TestDatabases.h2Url("round-trips"));

        assertThat(costs.firstCall()).isEqualTo(10);
        assertThat(costs.duplicate()).isEqualTo(1);
    }
}
