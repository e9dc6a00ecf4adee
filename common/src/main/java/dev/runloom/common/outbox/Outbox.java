package dev.runloom.common.outbox;

import dev.runloom.common.events.OutgoingEvent;
import dev.runloom.common.events.Topics;
import dev.runloom.common.id.Ids;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes events into the outbox table inside the caller's transaction, so a state change and the
 * events announcing it commit together or not at all. The relay publishes them after commit.
 */
@Singleton
public class Outbox {
    private static final String INSERT = """
            INSERT INTO runloom_outbox (id, aggregatetype, aggregateid, type, payload, subject, organization_id)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?)""";

    private final JdbcOperations jdbc;
    private final TransactionOperations<Connection> transactions;
    private final JsonMapper json;
    private final Topics topics;
    private final ApplicationEventPublisher<OutboxAppended> appended;

    public Outbox(JdbcOperations jdbc, TransactionOperations<Connection> transactions, JsonMapper json,
                  Topics topics, ApplicationEventPublisher<OutboxAppended> appended) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.json = json;
        this.topics = topics;
        this.appended = appended;
    }

    public void append(OutgoingEvent event) {
        appendAll(List.of(event));
    }

    /** Appends in one JDBC batch; must run inside a transaction (it is the point of an outbox). */
    public void appendAll(List<OutgoingEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        if (transactions.findTransactionStatus().isEmpty()) {
            throw new IllegalStateException("Outbox.append must be called inside a transaction");
        }
        Connection connection = jdbc.getConnection();
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (OutgoingEvent event : events) {
                insert.setString(1, Ids.newId("evt"));
                insert.setString(2, topics.name(event.topic()));
                insert.setString(3, event.key());
                insert.setString(4, event.type());
                insert.setString(5, toJson(event.payload()));
                insert.setString(6, event.subject());
                insert.setString(7, event.organizationId());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new OutboxException("cannot append to the outbox", e);
        }
        appended.publishEvent(new OutboxAppended(events.size()));
    }

    private String toJson(Object payload) {
        try {
            return new String(json.writeValueAsBytes(payload), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("event payload is not serializable: " + payload.getClass(), e);
        }
    }
}
