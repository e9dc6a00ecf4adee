-- Tool calls of an execution (A11/A12): one row per call the model asked for, in order (seq), with
-- what it was given and what it answered. input/output are capped by the writer (see ToolCallRecord).
CREATE TABLE agent_tool_calls (
    id                TEXT        PRIMARY KEY,
    execution_id      TEXT        NOT NULL REFERENCES agent_executions (id),
    organization_id   TEXT        NOT NULL,
    seq               INTEGER     NOT NULL,
    iteration         INTEGER     NOT NULL,
    provider_call_id  TEXT,
    tool_id           TEXT        NOT NULL,
    tool_name         TEXT        NOT NULL,
    tool_type         TEXT        NOT NULL,
    tool_description  TEXT,
    model             TEXT        NOT NULL,
    status            TEXT        NOT NULL,
    error_message     TEXT,
    input_parameters  JSONB,
    output_result     JSONB,
    execution_time_ms BIGINT      NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    UNIQUE (execution_id, seq)
);

-- The durable stream of an execution (A16 frames, replayed by A20 ...?after=<seq>): seq is 0-based.
CREATE TABLE agent_execution_events (
    execution_id    TEXT        NOT NULL REFERENCES agent_executions (id),
    seq             INTEGER     NOT NULL,
    organization_id TEXT        NOT NULL,
    type            TEXT        NOT NULL,
    data            JSONB       NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (execution_id, seq)
);

-- Liveness of a running execution: its worker touches heartbeat_at; the sweeper fails running
-- executions whose heartbeat is older than its timeout (a worker that died).
ALTER TABLE agent_executions ADD COLUMN heartbeat_at TIMESTAMPTZ;
CREATE INDEX agent_executions_running ON agent_executions (heartbeat_at) WHERE status = 'running';
