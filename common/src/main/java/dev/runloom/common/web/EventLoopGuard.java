package dev.runloom.common.web;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.core.order.Ordered;
import io.netty.util.internal.ThreadExecutorMap;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.io.PrintWriter;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;

/**
 * Refuses a JDBC connection to code running on a Netty event-loop thread, so a controller (or a
 * filter) that would block the loop fails at once — in every test that reaches it — instead of
 * quietly stalling every connection the loop serves. See {@link BlockingRequestThreads}.
 */
@Singleton
public class EventLoopGuard implements BeanCreatedEventListener<DataSource>, Ordered {

    /**
     * Before Micronaut Data's own listener, which replaces the pool with a transaction-aware proxy
     * that must stay outermost (wrapping the proxy breaks connection binding).
     */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        DataSource dataSource = event.getBean();
        // only the pool itself: Micronaut Data's contextual (transaction-bound) data source must stay as it is
        return dataSource instanceof HikariDataSource ? new GuardedDataSource(dataSource) : dataSource;
    }

    /** True on a Netty event-loop thread. */
    public static boolean onEventLoop() {
        return ThreadExecutorMap.currentExecutor() != null;
    }

    static void check() {
        if (onEventLoop()) {
            throw new BlockingOnEventLoopException(Thread.currentThread().getName());
        }
    }

    /**
     * Not a Micronaut {@code DelegatingDataSource}: Micronaut Data unwraps those and would bypass the
     * guard. {@link #unwrap} still reaches the pool (e.g. to evict connections).
     */
    static final class GuardedDataSource implements DataSource {
        private final DataSource target;

        GuardedDataSource(DataSource target) {
            this.target = target;
        }

        @Override
        public Connection getConnection() throws SQLException {
            check();
            return target.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            check();
            return target.getConnection(username, password);
        }

        @Override
        public PrintWriter getLogWriter() throws SQLException {
            return target.getLogWriter();
        }

        @Override
        public void setLogWriter(PrintWriter out) throws SQLException {
            target.setLogWriter(out);
        }

        @Override
        public void setLoginTimeout(int seconds) throws SQLException {
            target.setLoginTimeout(seconds);
        }

        @Override
        public int getLoginTimeout() throws SQLException {
            return target.getLoginTimeout();
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return target.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            return type.isInstance(target) ? type.cast(target) : target.unwrap(type);
        }

        @Override
        public boolean isWrapperFor(Class<?> type) throws SQLException {
            return type.isInstance(target) || target.isWrapperFor(type);
        }
    }

    public static final class BlockingOnEventLoopException extends IllegalStateException {
        BlockingOnEventLoopException(String thread) {
            super("blocking JDBC call on event-loop thread " + thread
                    + ": run it on the blocking executor (see BlockingRequestThreads)");
        }
    }
}
