package dev.runloom.common.web;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.scheduling.executor.ThreadSelection;
import jakarta.inject.Singleton;

/**
 * The one rule for blocking, set here once for the gateway and every service: controllers run on the blocking
 * executor, never on Netty's event-loop threads. Services read and write PostgreSQL synchronously
 * (JDBC) and call each other with blocking clients; on an event loop that would stall every other
 * connection the loop serves. {@link EventLoopGuard} makes a violation fail loudly.
 */
@Singleton
public class BlockingRequestThreads implements BeanCreatedEventListener<HttpServerConfiguration> {
    @Override
    public HttpServerConfiguration onCreated(BeanCreatedEvent<HttpServerConfiguration> event) {
        HttpServerConfiguration configuration = event.getBean();
        configuration.setThreadSelection(ThreadSelection.BLOCKING);
        return configuration;
    }
}
