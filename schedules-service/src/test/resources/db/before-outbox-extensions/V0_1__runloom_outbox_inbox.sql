-- Shared by every service's database (Flyway location classpath:db/runloom).
-- Outbox columns follow Debezium's outbox convention (id, aggregatetype, aggregateid, type, payload)
-- so a CDC connector can replace the polling relay without a schema change:
-- aggregatetype is the Kafka topic, aggregateid the record key.
CREATE TABLE runloom_outbox (
    seq             BIGSERIAL PRIMARY KEY,
    id              TEXT        NOT NULL UNIQUE,
    aggregatetype   TEXT        NOT NULL,
    aggregateid     TEXT        NOT NULL,
    type            TEXT        NOT NULL,
    payload         JSONB       NOT NULL,
    subject         TEXT,
    organization_id TEXT,
    traceparent     TEXT,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    sent_at         TIMESTAMPTZ
);
CREATE INDEX runloom_outbox_unsent ON runloom_outbox (seq) WHERE sent_at IS NULL;

-- Idempotent inbox: one row per (consumer, event id) written in the same transaction as the
-- consumer's state change, so a redelivered event changes nothing.
CREATE TABLE runloom_inbox (
    consumer    TEXT        NOT NULL,
    event_id    TEXT        NOT NULL,
    outcome     TEXT        NOT NULL DEFAULT 'processed',
    received_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
