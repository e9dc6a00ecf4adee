-- Agents: the definition an execution snapshots. config holds the native (runtype) loop settings.
CREATE TABLE agents (
    id                   TEXT        PRIMARY KEY,
    organization_id      TEXT        NOT NULL,
    user_id              TEXT        NOT NULL,
    name                 TEXT        NOT NULL,
    description          TEXT,
    icon                 TEXT,
    agent_type           TEXT        NOT NULL,
    primary_flow_id      TEXT,
    config               JSONB       NOT NULL,
    status               TEXT        NOT NULL,
    published_version_id TEXT,
    draft_version_id     TEXT,
    created_at           TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL
);
CREATE INDEX agents_org_created ON agents (organization_id, created_at DESC, id DESC);

-- One row per run of the agent loop. id = execution id (the API shows both, equal for native runs).
-- total_cost is the sum of the iterations' costs, each computed with the price stored beside it.
CREATE TABLE agent_executions (
    id                  TEXT          PRIMARY KEY,
    agent_id            TEXT          NOT NULL,
    organization_id     TEXT          NOT NULL,
    user_id             TEXT          NOT NULL,
    agent_source        TEXT          NOT NULL,
    parent_execution_id TEXT,
    surface_type        TEXT          NOT NULL,
    status              TEXT          NOT NULL,
    iterations          INTEGER       NOT NULL DEFAULT 0,
    total_tokens        BIGINT        NOT NULL DEFAULT 0,
    total_cost          NUMERIC(20, 10) NOT NULL DEFAULT 0,
    stop_reason         TEXT,
    error_message       TEXT,
    started_at          TIMESTAMPTZ   NOT NULL,
    completed_at        TIMESTAMPTZ,
    created_at          TIMESTAMPTZ   NOT NULL,
    agent_spec          JSONB         NOT NULL,
    input_messages      JSONB         NOT NULL,
    final_output        TEXT
);
-- The list endpoint's keyset: newest first within an agent ...
CREATE INDEX agent_executions_agent_page
    ON agent_executions (organization_id, agent_id, created_at DESC, id DESC);
-- ... and the cross-agent sub-agent drill-down (children of one execution).
CREATE INDEX agent_executions_parent_page
    ON agent_executions (organization_id, parent_execution_id, created_at DESC, id DESC)
    WHERE parent_execution_id IS NOT NULL;

-- One row per loop iteration (one model call): tokens, cost and the price used for it.
CREATE TABLE agent_iterations (
    execution_id                  TEXT            NOT NULL REFERENCES agent_executions (id),
    iteration                     INTEGER         NOT NULL,
    organization_id               TEXT            NOT NULL,
    model                         TEXT            NOT NULL,
    prompt_tokens                 BIGINT          NOT NULL,
    completion_tokens             BIGINT          NOT NULL,
    cached_prompt_tokens          BIGINT          NOT NULL,
    total_tokens                  BIGINT          NOT NULL,
    cost                          NUMERIC(20, 10) NOT NULL,
    price_input_per_million       NUMERIC(20, 10) NOT NULL,
    price_output_per_million      NUMERIC(20, 10) NOT NULL,
    price_cached_input_per_million NUMERIC(20, 10) NOT NULL,
    finish_reason                 TEXT,
    output                        TEXT,
    tool_calls                    INTEGER         NOT NULL,
    duration_ms                   BIGINT          NOT NULL,
    started_at                    TIMESTAMPTZ     NOT NULL,
    completed_at                  TIMESTAMPTZ     NOT NULL,
    PRIMARY KEY (execution_id, iteration)
);
