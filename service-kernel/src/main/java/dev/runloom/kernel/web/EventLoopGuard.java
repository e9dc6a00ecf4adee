package dev.runloom.kernel.web;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import io.netty.util.internal.ThreadExecutorMap;
import jakarta.inject.Singleton;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * Refuses a JDBC connection to code running on a Netty event-loop thread, so a controller (or a
 * filter) that would block the loop fails at once — in every test that reaches it — instead of
 * quietly stalling every connection the loop serves. See {@link BlockingRequestThreads}.
 */
@Singleton
public class EventLoopGuard implements BeanCreatedEventListener<DataSource> {

    @Override
    public DataSource onCreated(BeanCreatedEvent<DataSource> event) {
        return new GuardedDataSource(event.getBean());
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

    static final class GuardedDataSource extends DelegatingDataSource {
        GuardedDataSource(DataSource target) {
            super(target);
        }

        @Override
        public Connection getConnection() throws SQLException {
            check();
            return super.getConnection();
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            check();
            return super.getConnection(username, password);
        }
    }

    public static final class BlockingOnEventLoopException extends IllegalStateException {
        BlockingOnEventLoopException(String thread) {
            super("blocking JDBC call on event-loop thread " + thread
                    + ": run it on the blocking executor (see BlockingRequestThreads)");
        }
    }
}
