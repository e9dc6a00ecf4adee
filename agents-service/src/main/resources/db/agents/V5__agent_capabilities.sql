-- Capabilities (A14/A15, reference §2.11): the tools an agent offers beside the built-in ones. Exactly one
-- of flow_id (a flow run through flows-service), sub_agent_id (another agent of the organization, run as a
-- child execution) or tool_id (a built-in tool) is set. tool_name is what the model sees: unique per agent.
CREATE TABLE agent_capabilities (
    id                TEXT        PRIMARY KEY,
    agent_id          TEXT        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    organization_id   TEXT        NOT NULL,
    tool_name         TEXT        NOT NULL CHECK (char_length(tool_name) BETWEEN 1 AND 100),
    tool_description  TEXT,
    flow_id           TEXT,
    sub_agent_id      TEXT,
    tool_id           TEXT,
    parameters_schema JSONB,
    enabled           BOOLEAN     NOT NULL,
    display_order     INTEGER     NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL,
    CHECK (num_nonnulls(flow_id, sub_agent_id, tool_id) = 1),
    UNIQUE (agent_id, tool_name)
);
CREATE INDEX agent_capabilities_agent ON agent_capabilities (organization_id, agent_id, display_order, created_at);
