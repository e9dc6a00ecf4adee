package dev.runloom.kernel.outbox;

import dev.runloom.common.id.Ids;
import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.jdbc.Sql;
import dev.runloom.events.EventStream;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.kernel.events.TraceContext;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.List;

/**
 * Writes events into the outbox table inside the caller's transaction, so a state change and the
 * events announcing it commit together or not at all (hence MANDATORY: without a transaction the
 * call fails). The relay publishes them after commit. The active W3C trace context, if any, travels
 * with each event.
 */
@Singleton
public class Outbox {
    private static final String INSERT = """
            INSERT INTO runloom_outbox (id, aggregatetype, aggregateid, type, payload, subject, organization_id, traceparent)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?)""";

    private final Sql sql;
    private final JsonColumns json;
    private final TopicNames topics;
    private final ApplicationEventPublisher<OutboxAppended> appended;

    public Outbox(Sql sql, JsonColumns json, TopicNames topics, ApplicationEventPublisher<OutboxAppended> appended) {
        this.sql = sql;
        this.json = json;
        this.topics = topics;
        this.appended = appended;
    }

    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void append(OutgoingEvent event) {
        appendAll(List.of(event));
    }

    /** Appends in one JDBC batch. */
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public void appendAll(List<OutgoingEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        String traceparent = TraceContext.current();
        sql.batch(INSERT, events, event -> new Object[]{Ids.newId("evt"), topics.of(event.type().stream()), event.key(),
                event.type().type(), json.param(event.payload()), event.subject(), event.organizationId(), traceparent});
        appended.publishEvent(new OutboxAppended(events.size()));
    }

    /**
     * Appends one event per row of {@code select}, computed by the database in one
     * {@code INSERT ... SELECT}: for writes of so many rows at once (a CSV import of a million
     * records) that building each payload in Java would mean sending every row back and forth.
     * The select must yield the columns {@code id} (the event id, e.g. {@code Ids.newId("evt")}
     * minted by the caller), {@code type} (the CloudEvents type, one of {@code stream}'s),
     * {@code key}, {@code subject}, {@code organization_id} and {@code payload} (jsonb matching the
     * type's contract record — the caller's tests must read it back as that record).
     *
     * @return how many events were appended
     */
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public int appendSelected(EventStream stream, String select, Object... params) {
        Object[] all = Arrays.copyOf(new Object[]{topics.of(stream), TraceContext.current()}, 2 + params.length);
        System.arraycopy(params, 0, all, 2, params.length);
        int count = sql.update("""
                INSERT INTO runloom_outbox (id, aggregatetype, aggregateid, type, payload, subject, organization_id, traceparent)
                SELECT e.id, ?, e.key, e.type, e.payload, e.subject, e.organization_id, ?::text
                FROM (""" + select + ") AS e", all);
        if (count > 0) {
            appended.publishEvent(new OutboxAppended(count));
        }
        return count;
    }
}
