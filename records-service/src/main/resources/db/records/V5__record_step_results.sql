-- Record step results: a projection of runloom.flows.executions.v1 (RecordExecutionCompletedV1.steps),
-- one row per step of each flow execution on a record, for GET /v1/records/:id/step-results and its
-- filters. Like record_results, history without a foreign key to records.
CREATE TABLE record_step_results (
    id                TEXT COLLATE "C" PRIMARY KEY,  -- the step result id flows-service minted
    organization_id   TEXT        NOT NULL,
    user_id           TEXT,
    record_id         TEXT COLLATE "C" NOT NULL,
    record_name       TEXT,
    execution_id      TEXT        NOT NULL,
    batch_id          TEXT,
    flow_id           TEXT        NOT NULL,
    flow_version_id   TEXT,
    step_id           TEXT        NOT NULL,
    step_type         TEXT        NOT NULL,
    step_name         TEXT        NOT NULL,
    step_order        INT         NOT NULL,
    status            TEXT        NOT NULL,
    started_at        TIMESTAMPTZ NOT NULL,
    completed_at      TIMESTAMPTZ NOT NULL,
    duration_ms       BIGINT      NOT NULL,
    output_preview    TEXT,
    model_used        TEXT,
    prompt_tokens     BIGINT,
    completion_tokens BIGINT,
    total_tokens      BIGINT,
    estimated_cost    NUMERIC,
    error_message     TEXT,
    retry_count       INT         NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ NOT NULL            -- the step's completion time
);

-- GET /v1/records/:id/step-results, newest first (the default); filters apply on top
CREATE INDEX record_step_results_record_created
    ON record_step_results (organization_id, record_id, created_at DESC, id DESC);
