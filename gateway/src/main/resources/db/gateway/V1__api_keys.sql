-- API keys of the public /v1 API. The key itself is never stored: only its SHA-256 (hex), which is
-- what a request is looked up by, and its first 12 characters so a key can be recognised in a list.
CREATE TABLE api_keys (
    id              TEXT        PRIMARY KEY,
    organization_id TEXT        NOT NULL,
    user_id         TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    key_prefix      TEXT        NOT NULL,
    key_hash        TEXT        NOT NULL UNIQUE,
    scopes          TEXT[]      NOT NULL DEFAULT '{*}',
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    revoked_at      TIMESTAMPTZ
);
CREATE INDEX api_keys_organization ON api_keys (organization_id, created_at);
