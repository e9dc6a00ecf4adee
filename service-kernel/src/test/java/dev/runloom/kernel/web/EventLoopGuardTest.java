package dev.runloom.kernel.web;

import dev.runloom.common.web.EventLoopGuard;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.context.annotation.Property;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.NonBlocking;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.annotation.Transactional;
import io.netty.channel.DefaultEventLoop;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The blocking rule: controllers run off the event loop without any annotation, and JDBC from an
 * event-loop thread is refused — so a controller that blocked the loop would fail this test (and
 * every service test that reaches it).
 */
@ServiceTest("kernel")
@Property(name = "event-loop-test.controller", value = "true")
class EventLoopGuardTest {
    @Inject ApiClient<Tenant> api;
    @Inject Sql sql;
    @Inject TransactionOperations<Connection> transactions;

    @Controller("/v1/event-loop-test")
    @Requires(property = "event-loop-test.controller", value = "true")
    static class ThreadReportingController {
        private final Sql sql;

        ThreadReportingController(Sql sql) {
            this.sql = sql;
        }

        /** An ordinary controller method: plain JDBC, no @ExecuteOn. */
        @Get("/plain")
        @Transactional(readOnly = true)
        Map<String, Object> plain(Tenant tenant) {
            long one = sql.count("SELECT 1");
            return Map.of("eventLoop", EventLoopGuard.onEventLoop(), "thread", Thread.currentThread().getName(), "one", one);
        }

        @Get("/filtered")
        Map<String, Object> filtered(Tenant tenant) {
            return Map.of("reached", true);
        }

        /** Even a method that asks for the event loop runs on the blocking executor: the rule wins. */
        @Get("/on-loop")
        @NonBlocking
        @Transactional(readOnly = true)
        Map<String, Object> onLoop(Tenant tenant) {
            boolean eventLoop = EventLoopGuard.onEventLoop();
            return Map.of("eventLoop", eventLoop, "thread", Thread.currentThread().getName(), "one", sql.count("SELECT 1"));
        }
    }

    @Test
    void controllersRunOnTheBlockingExecutorByDefault() {
        Map<String, Object> body = api.get("/v1/event-loop-test/plain", ORG_A).assertStatus(200).body();
        assertThat(body).containsEntry("eventLoop", false).containsEntry("one", 1);
    }

    @Test
    void aControllerMarkedNonBlockingStillRunsOffTheEventLoop() {
        Map<String, Object> body = api.get("/v1/event-loop-test/on-loop", ORG_A).assertStatus(200).body();
        assertThat(body).containsEntry("eventLoop", false);
    }

    /** Server filters run on the event loop: one that reaches the database fails instead of stalling it. */
    @Test
    void aFilterThatBlocksTheEventLoopFails() {
        var reply = api.get("/v1/event-loop-test/filtered", ORG_A);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(500);
    }

    @ServerFilter("/v1/event-loop-test/filtered")
    @Requires(property = "event-loop-test.controller", value = "true")
    static class BlockingFilter {
        private final Sql sql;
        private final TransactionOperations<Connection> transactions;

        BlockingFilter(Sql sql, TransactionOperations<Connection> transactions) {
            this.sql = sql;
            this.transactions = transactions;
        }

        @RequestFilter
        void lookUpSomething() {
            transactions.executeRead(status -> sql.count("SELECT 1"));
        }
    }

    @Test
    void jdbcFromAnEventLoopThreadIsRefused() throws Exception {
        DefaultEventLoop loop = new DefaultEventLoop();
        try {
            Future<Long> onLoop = loop.submit(() -> transactions.executeRead(status -> sql.count("SELECT 1")));
            assertThatThrownBy(onLoop::get).isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(EventLoopGuard.BlockingOnEventLoopException.class);
        } finally {
            loop.shutdownGracefully().sync();
        }
    }
}
