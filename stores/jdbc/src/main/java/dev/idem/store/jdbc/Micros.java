package dev.idem.store.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/** Durations as the whole microseconds the database stores. Stateless. */
final class Micros {

    /** The longest duration the store accepts, so that every time it computes stays a valid timestamp. */
    static final Duration MAX = ChronoUnit.CENTURIES.getDuration().multipliedBy(10);

    private Micros() {
    }

    /** {@code duration} in microseconds, rounded up so that a positive duration never becomes zero. */
    static long of(Duration duration) {
        return duration.getSeconds() * 1_000_000 + (duration.getNano() + 999) / 1000;
    }

    /** {@code micros} as a duration. */
    static Duration toDuration(long micros) {
        return Duration.of(micros, ChronoUnit.MICROS);
    }

    /** Binds {@code duration} in microseconds, or {@code NULL} when it is {@code null}. */
    static void bind(PreparedStatement statement, int index, Duration duration) throws SQLException {
        if (duration == null) {
            statement.setNull(index, Types.BIGINT);
        } else {
            statement.setLong(index, of(duration));
        }
    }
}
