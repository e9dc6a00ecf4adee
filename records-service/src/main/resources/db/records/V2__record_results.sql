-- Record results: a projection of runloom.flows.executions.v1 (one row per prompt-step result of a
-- record execution). History: rows stay even when the record is gone or was never known here,
-- so there is deliberately no foreign key to records.
CREATE TABLE record_results (
    id                TEXT COLLATE "C" PRIMARY KEY,  -- resultId from the event
    organization_id   TEXT        NOT NULL,
    record_id         TEXT COLLATE "C" NOT NULL,
    execution_id      TEXT        NOT NULL,
    batch_id          TEXT,
    schedule_run_id   TEXT,
    flow_id           TEXT        NOT NULL,
    flow_name         TEXT,
    prompt_id         TEXT,
    prompt_name       TEXT,
    status            TEXT        NOT NULL,
    result            JSONB,
    model             TEXT,
    prompt_tokens     BIGINT      NOT NULL DEFAULT 0,
    completion_tokens BIGINT      NOT NULL DEFAULT 0,
    cost              NUMERIC     NOT NULL DEFAULT 0,
    created_at        TIMESTAMPTZ NOT NULL,           -- the execution's completedAt
    received_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- GET /v1/records/:id/results, newest first (the default), filters applied on top
CREATE INDEX record_results_record_created ON record_results (organization_id, record_id, created_at DESC, id DESC);
