-- The LLM governor's shared state (schema "governor"), written by every flows-service and agents-service replica.

-- A call slot held by one model call: it expires on its own, so a crashed replica's leases free themselves.
CREATE TABLE leases (
    lease_id        TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    provider        TEXT NOT NULL,
    priority        TEXT NOT NULL,            -- interactive | batch
    holder          TEXT NOT NULL,            -- the replica, for diagnostics
    acquired_at     TIMESTAMPTZ NOT NULL,
    expires_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX leases_provider_org ON leases (provider, organization_id);

-- A provider's Retry-After for one organization: nobody calls that provider for them before paused_until.
CREATE TABLE pauses (
    organization_id TEXT NOT NULL,
    provider        TEXT NOT NULL,
    paused_until    TIMESTAMPTZ NOT NULL,
    reason          TEXT,
    PRIMARY KEY (organization_id, provider)
);

-- Tokens used per organization, provider and minute (fixed windows, database clock).
CREATE TABLE token_windows (
    organization_id TEXT NOT NULL,
    provider        TEXT NOT NULL,
    window_start    TIMESTAMPTZ NOT NULL,
    tokens          BIGINT NOT NULL,
    PRIMARY KEY (provider, window_start, organization_id)
);
