-- Pauses of agent executions: a tool call that needs a person's approval (A17, kind 'approval') or
-- client-side tools whose outputs the client must send (A18, kind 'await'). While an execution is
-- paused its whole loop state (conversation, pending tool calls, iterations, tool calls, counters,
-- elapsed budget) lives only in `state`, so it survives a restart of the service. Deciding a pause
-- claims it (status leaves 'pending' once, so a second decision is a conflict) and clears the state.
CREATE TABLE agent_execution_pauses (
    id              TEXT        PRIMARY KEY,
    execution_id    TEXT        NOT NULL REFERENCES agent_executions (id),
    organization_id TEXT        NOT NULL,
    kind            TEXT        NOT NULL CHECK (kind IN ('approval', 'await')),
    status          TEXT        NOT NULL CHECK (status IN ('pending', 'approved', 'denied', 'resumed')),
    tool_name       TEXT,
    state           JSONB,
    created_at      TIMESTAMPTZ NOT NULL,
    decided_at      TIMESTAMPTZ,
    decided_by      TEXT
);
-- at most one open pause per execution
CREATE UNIQUE INDEX agent_execution_pauses_pending ON agent_execution_pauses (execution_id) WHERE status = 'pending';
CREATE INDEX agent_execution_pauses_execution ON agent_execution_pauses (organization_id, execution_id);
