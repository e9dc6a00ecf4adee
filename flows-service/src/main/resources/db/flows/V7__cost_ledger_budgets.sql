-- Cost ledger, budgets and budget-paused batches (issue 11, "Budgets"; Runloom extensions).

-- One row per organization, UTC day, source (flow | schedule | agent) and model: the costs of flows'
-- record executions and agents' executions, projected from their completion events (idempotent inbox).
CREATE TABLE cost_ledger (
    organization_id   TEXT    NOT NULL,
    day               DATE    NOT NULL,
    source            TEXT    NOT NULL,
    model             TEXT    NOT NULL,
    cost              NUMERIC NOT NULL DEFAULT 0,
    prompt_tokens     BIGINT  NOT NULL DEFAULT 0,
    completion_tokens BIGINT  NOT NULL DEFAULT 0,
    total_tokens      BIGINT  NOT NULL DEFAULT 0,
    calls             BIGINT  NOT NULL DEFAULT 0,   -- model calls (prompt steps, agent executions)
    PRIMARY KEY (organization_id, day, source, model)
);

-- An organization's spend caps in USD (null: no cap).
CREATE TABLE budgets (
    organization_id TEXT PRIMARY KEY,
    daily_cap_usd   NUMERIC,
    monthly_cap_usd NUMERIC,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- Work items of batches paused over budget (status 'paused_budget'): kept here until the batch resumes,
-- then published again as work items.
CREATE TABLE batch_parked_work (
    id              BIGSERIAL PRIMARY KEY,
    organization_id TEXT        NOT NULL,
    batch_id        TEXT        NOT NULL,
    work            JSONB       NOT NULL,
    parked_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX batch_parked_work_by_batch ON batch_parked_work (organization_id, batch_id, id);
