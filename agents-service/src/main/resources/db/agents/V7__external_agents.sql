-- External (A2A) agents: what the caller configured (externalConfig) and the agent card fetched from
-- the remote agent, cached until refreshed (A4). One row per external agent; gone with the agent.
CREATE TABLE agent_external_configs (
    agent_id              TEXT        PRIMARY KEY REFERENCES agents (id) ON DELETE CASCADE,
    organization_id       TEXT        NOT NULL,
    external_config       JSONB       NOT NULL,
    agent_card            JSONB,
    agent_card_url        TEXT,
    agent_card_fetched_at TIMESTAMPTZ,
    health_status         TEXT,
    last_health_check_at  TIMESTAMPTZ,
    updated_at            TIMESTAMPTZ NOT NULL
);
CREATE INDEX agent_external_configs_org ON agent_external_configs (organization_id, agent_id);
