package dev.runloom.kernel.consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Locale;

/**
 * Tells failures worth retrying later (the database or a peer is briefly away) from failures of
 * the event itself (dead-lettered). A transient failure also evicts the pool's idle connections:
 * after a database restart they are all dead, and a retry on another stale one would fail again.
 */
@Singleton
public class TransientFailures {
    private static final Logger LOG = LoggerFactory.getLogger(TransientFailures.class);

    private final DataSource dataSource;

    public TransientFailures(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** @throws TransientFailure when {@code failure} (or a cause) is transient */
    public void rethrowIfTransient(Throwable failure) {
        if (isTransient(failure)) {
            evictIdleConnections();
            throw failure instanceof TransientFailure t ? t : new TransientFailure(failure);
        }
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof TransientFailure) {
                return true;
            }
            if (t instanceof SQLException sql && isTransient(sql)) {
                return true;
            }
        }
        return false;
    }

    /**
     * SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention: shutdown,
     * restart), serialization failures and deadlocks; and the pool's and driver's own "connection is
     * closed" errors, which carry no SQLSTATE at all.
     */
    private static boolean isTransient(SQLException sql) {
        if (sql instanceof SQLTransientException || sql instanceof SQLRecoverableException) {
            return true;
        }
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
                || state.equals("40001") || state.equals("40P01"))) {
            return true;
        }
        String message = sql.getMessage() == null ? "" : sql.getMessage().toLowerCase(Locale.ROOT);
        return message.contains("connection is closed") || message.contains("connection has been closed")
                || message.contains("i/o error");
    }

    private void evictIdleConnections() {
        try {
            DataSource target = DelegatingDataSource.unwrapDataSource(dataSource);
            if (target instanceof HikariDataSource || target.isWrapperFor(HikariDataSource.class)) {
                HikariDataSource hikari = target.unwrap(HikariDataSource.class);
                if (hikari.getHikariPoolMXBean() != null) {
                    hikari.getHikariPoolMXBean().softEvictConnections();
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("cannot evict pooled connections: {}", e.toString());
        }
    }

    /**
     * A failure worth retrying later rather than dead-lettering: the kernel throws it for
     * infrastructure errors, and a handler throws it when a dependency (another service, a
     * provider) is down, so the poll is read again later.
     */
    public static final class TransientFailure extends RuntimeException {
        public TransientFailure(Throwable cause) {
            super(cause);
        }
    }
}
