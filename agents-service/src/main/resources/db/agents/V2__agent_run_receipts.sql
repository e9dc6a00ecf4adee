-- Agent runs requested by flow steps (execute-agent) carry an idempotency key (flow execution id +
-- step id). The key is claimed before the run and answers the same execution afterwards, so a
-- retried step never runs the agent twice.
CREATE TABLE agent_run_receipts (
    organization_id TEXT        NOT NULL,
    idempotency_key TEXT        NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 300),
    execution_id    TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, idempotency_key)
);
