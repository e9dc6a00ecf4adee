-- Flows and their immutable versions. A version is a snapshot of the definition (name + steps);
-- executions point at the version they ran, so editing a flow never rewrites history.
CREATE TABLE flows (
    id                 TEXT        PRIMARY KEY,
    organization_id    TEXT        NOT NULL,
    user_id            TEXT,
    name               TEXT        NOT NULL,
    description        TEXT,
    -- no FK: the flow and its first version are inserted in one transaction, in either order
    current_version_id TEXT        NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL,
    last_run_at        TIMESTAMPTZ
);
CREATE INDEX flows_by_org ON flows (organization_id, created_at DESC, id DESC);

CREATE TABLE flow_versions (
    id              TEXT        PRIMARY KEY,
    flow_id         TEXT        NOT NULL REFERENCES flows (id),
    organization_id TEXT        NOT NULL,
    version_number  INT         NOT NULL,
    name            TEXT        NOT NULL,
    steps           JSONB       NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (flow_id, version_number)
);

-- One run of a flow over a set of records. Counters are bumped once per batch per consumer poll.
CREATE TABLE batches (
    id                   TEXT           PRIMARY KEY,
    organization_id      TEXT           NOT NULL,
    user_id              TEXT,
    flow_id              TEXT           NOT NULL,
    flow_version_id      TEXT,          -- null when the batch could not start (unknown flow)
    record_type          TEXT,
    schedule_run_id      TEXT,
    executed_immediately BOOLEAN        NOT NULL,
    status               TEXT           NOT NULL, -- queued | running | completed | partial | failed
    total_records        INT            NOT NULL,
    processed_records    INT            NOT NULL DEFAULT 0,
    failed_records       INT            NOT NULL DEFAULT 0,
    total_cost           NUMERIC(24, 10) NOT NULL DEFAULT 0,
    error                TEXT,
    started_at           TIMESTAMPTZ    NOT NULL,
    completed_at         TIMESTAMPTZ
);
CREATE INDEX batches_by_flow ON batches (organization_id, flow_id, started_at DESC);
CREATE INDEX batches_by_schedule_run ON batches (schedule_run_id) WHERE schedule_run_id IS NOT NULL;

-- One flow execution for one record.
CREATE TABLE flow_executions (
    id                TEXT           PRIMARY KEY,
    organization_id   TEXT           NOT NULL,
    user_id           TEXT,
    flow_id           TEXT           NOT NULL,
    flow_version_id   TEXT           NOT NULL,
    batch_id          TEXT,
    schedule_run_id   TEXT,
    record_id         TEXT           NOT NULL,
    record_name       TEXT,
    record_type       TEXT,
    status            TEXT           NOT NULL, -- completed | failed
    error             TEXT,
    context_steps     INT            NOT NULL,
    prompts_executed  INT            NOT NULL,
    started_at        TIMESTAMPTZ    NOT NULL,
    completed_at      TIMESTAMPTZ    NOT NULL,
    duration_ms       BIGINT         NOT NULL,
    prompt_tokens     BIGINT         NOT NULL,
    completion_tokens BIGINT         NOT NULL,
    total_tokens      BIGINT         NOT NULL,
    total_cost        NUMERIC(24, 10) NOT NULL
);
CREATE INDEX flow_executions_by_batch ON flow_executions (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX flow_executions_by_record ON flow_executions (organization_id, record_id, started_at DESC);

-- One row per step per record execution (the "unified step execution result").
-- The price used is stored beside the cost, so a later price change never rewrites history.
CREATE TABLE step_results (
    id                         TEXT           PRIMARY KEY,
    organization_id            TEXT           NOT NULL,
    user_id                    TEXT,
    flow_id                    TEXT           NOT NULL,
    flow_version_id            TEXT           NOT NULL,
    batch_id                   TEXT,
    execution_id               TEXT           NOT NULL,
    record_id                  TEXT           NOT NULL,
    record_name                TEXT,
    step_id                    TEXT           NOT NULL,
    step_type                  TEXT           NOT NULL,
    step_name                  TEXT           NOT NULL,
    step_order                 INT            NOT NULL,
    status                     TEXT           NOT NULL, -- completed | failed | skipped
    started_at                 TIMESTAMPTZ    NOT NULL,
    completed_at               TIMESTAMPTZ    NOT NULL,
    duration_ms                BIGINT         NOT NULL,
    output_preview             TEXT,
    resolved_prompt            TEXT,
    model_used                 TEXT,
    prompt_tokens              BIGINT,
    completion_tokens          BIGINT,
    total_tokens               BIGINT,
    estimated_cost             NUMERIC(24, 10),
    input_price_per_million    NUMERIC(24, 10),
    output_price_per_million   NUMERIC(24, 10),
    error_message              TEXT,
    retry_count                INT            NOT NULL DEFAULT 0,
    created_at                 TIMESTAMPTZ    NOT NULL
);
CREATE INDEX step_results_by_flow ON step_results (organization_id, flow_id, created_at DESC, id DESC);
CREATE INDEX step_results_by_batch ON step_results (batch_id) WHERE batch_id IS NOT NULL;
CREATE INDEX step_results_by_execution ON step_results (execution_id);
