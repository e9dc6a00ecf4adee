-- Schedules: the create request's nested target/trigger stored flat, as the API returns it (§2.8).
CREATE TABLE schedules (
    id                 TEXT PRIMARY KEY,
    organization_id    TEXT        NOT NULL,
    user_id            TEXT,
    name               TEXT        NOT NULL,
    flow_id            TEXT,
    agent_id           TEXT,
    record_type        TEXT,
    record_ids         TEXT[],
    inputs             JSONB       NOT NULL DEFAULT '{}',
    trigger_type       TEXT        NOT NULL CHECK (trigger_type IN ('cron', 'once')),
    cron               TEXT,
    timezone           TEXT        NOT NULL,
    run_at             TIMESTAMPTZ,
    enabled            BOOLEAN     NOT NULL,
    execution_options  JSONB       NOT NULL DEFAULT '{}',
    next_run_at        TIMESTAMPTZ,
    last_run_at        TIMESTAMPTZ,
    product_surface_id TEXT,
    created_at         TIMESTAMPTZ NOT NULL,
    updated_at         TIMESTAMPTZ NOT NULL
);
-- the scheduler's claim: enabled schedules that are due, in fire order
CREATE INDEX schedules_due ON schedules (next_run_at) WHERE enabled;
CREATE INDEX schedules_by_org ON schedules (organization_id, created_at DESC, id DESC);

-- One row per firing (cron, once or manual), including fires skipped because a run was still active.
CREATE TABLE schedule_runs (
    id                 TEXT PRIMARY KEY,
    schedule_id        TEXT        NOT NULL REFERENCES schedules (id) ON DELETE CASCADE,
    organization_id    TEXT        NOT NULL,
    status             TEXT        NOT NULL
        CHECK (status IN ('pending', 'running', 'completed', 'partial', 'failed', 'skipped')),
    trigger            TEXT        NOT NULL CHECK (trigger IN ('cron', 'once', 'manual')),
    flow_id            TEXT,
    agent_id           TEXT,
    batch_execution_id TEXT,
    agent_execution_id TEXT,
    total_records      INT         NOT NULL DEFAULT 0,
    processed_records  INT         NOT NULL DEFAULT 0,
    failed_records     INT         NOT NULL DEFAULT 0,
    error              TEXT,
    scheduled_for      TIMESTAMPTZ NOT NULL,
    started_at         TIMESTAMPTZ,
    completed_at       TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL
);
CREATE INDEX schedule_runs_by_schedule ON schedule_runs (schedule_id, created_at DESC, id DESC);
-- the no-overlap check looks only at active runs
CREATE INDEX schedule_runs_active ON schedule_runs (schedule_id, created_at) WHERE status IN ('pending', 'running');
-- defence in depth behind FOR UPDATE SKIP LOCKED: never two runs for one schedule and fire time
CREATE UNIQUE INDEX schedule_runs_one_per_fire_time ON schedule_runs (schedule_id, scheduled_for) WHERE trigger <> 'manual';

-- One row per finished record execution of a run (projection of runloom.flows.executions.v1).
CREATE TABLE schedule_run_results (
    run_id             TEXT        NOT NULL REFERENCES schedule_runs (id) ON DELETE CASCADE,
    execution_id       TEXT        NOT NULL,
    organization_id    TEXT        NOT NULL,
    record_id          TEXT        NOT NULL,
    record_name        TEXT,
    record_type        TEXT,
    record_result_id   TEXT,
    flow_id            TEXT        NOT NULL,
    flow_name          TEXT,
    agent_execution_id TEXT,
    status             TEXT        NOT NULL CHECK (status IN ('success', 'failed')),
    error              TEXT,
    executed_at        TIMESTAMPTZ NOT NULL,
    failed_at          TIMESTAMPTZ,
    created_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (run_id, execution_id)
);
CREATE INDEX schedule_run_results_page ON schedule_run_results (run_id, executed_at, execution_id);
