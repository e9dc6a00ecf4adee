-- Agent versions (A13, AV1-AV4): immutable snapshots of an agent's definition. Publishing (A13)
-- snapshots the live agent into a new version and points agents.published_version_id at it;
-- publishing an older version (AV4) makes its snapshot the live definition again (a rollback).
CREATE TABLE agent_versions (
    id              TEXT        PRIMARY KEY,
    agent_id        TEXT        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id TEXT        NOT NULL,
    version_number  INTEGER     NOT NULL,
    agent_config    JSONB       NOT NULL,
    label           TEXT,
    notes           TEXT,
    created_at      TIMESTAMPTZ NOT NULL,
    UNIQUE (agent_id, version_number)
);
CREATE INDEX agent_versions_agent ON agent_versions (organization_id, agent_id, version_number DESC);
