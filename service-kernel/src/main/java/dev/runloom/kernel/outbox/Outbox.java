package dev.runloom.kernel.outbox;

import dev.runloom.common.id.Ids;
import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.jdbc.Sql;
import dev.runloom.events.EventStream;
import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.kernel.events.TraceContext;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes events into the outbox table inside the caller's transaction, so a state change and the
 * events announcing it commit together or not at all (hence MANDATORY: without a transaction the
 * call fails). The relay publishes them after commit. The active W3C trace context, if any, travels
 * with each event, as do the event's own extension attributes ({@link OutgoingEvent#extensions}).
 */
@Singleton
public class Outbox {
    private static final String INSERT = """
            INSERT INTO runloom_outbox (id, aggregatetype, aggregateid, type, payload, subject, organization_id, traceparent,
                                        extensions)
            VALUES (?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?::jsonb)""";

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
                event.type().type(), json.param(event.payload()), event.subject(), event.organizationId(), traceparent,
                event.extensions().isEmpty() ? null : json.param(event.extensions())});
        appended.publishEvent(new OutboxAppended(events.size()));
    }

    /**
     * Appends one event per row of {@code select}, computed by the database in one
     * {@code INSERT ... SELECT}: for writes of so many rows at once (a CSV import of a million
     * records) that building each payload in Java would mean sending every row back and forth.
     * The select must yield the columns {@code id} (a unique event id), {@code type} (the
     * CloudEvents type, one of {@code stream}'s), {@code key}, {@code subject},
     * {@code organization_id} and {@code payload} (jsonb matching the type's contract record — the
     * caller's tests must read it back as that record). {@code with}, when given, is the body of a
     * {@code WITH} clause the select may read, data-modifying ones included, so a write and the events
     * announcing it can be one statement. {@code params} bind the with clause's placeholders, then
     * the select's. Events appended this way carry no extension attributes of their own.
     *
     * @return how many events were appended, per CloudEvents type
     */
    @Transactional(propagation = TransactionDefinition.Propagation.MANDATORY)
    public Map<String, Long> appendSelected(EventStream stream, @Nullable String with, String select, Object... params) {
        Object[] all = Arrays.copyOf(params, params.length + 2);
        all[params.length] = topics.of(stream);
        all[params.length + 1] = TraceContext.current();
        Map<String, Long> counts = new HashMap<>();
        sql.list("WITH " + (with == null ? "" : with + ", ") + """
                appended AS (
                    INSERT INTO runloom_outbox (id, aggregatetype, aggregateid, type, payload, subject, organization_id, traceparent)
                    SELECT e.id, t.topic, e.key, e.type, e.payload, e.subject, e.organization_id, t.traceparent
                    FROM (""" + select + """
                    ) AS e CROSS JOIN (SELECT ?::text AS topic, ?::text AS traceparent) AS t
                    RETURNING type)
                SELECT type, count(*) AS events FROM appended GROUP BY type""",
                row -> counts.put(row.string("type"), row.longValue("events")), all);
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        if (total > 0) {
            appended.publishEvent(new OutboxAppended((int) Math.min(Integer.MAX_VALUE, total)));
        }
        return counts;
    }
}
