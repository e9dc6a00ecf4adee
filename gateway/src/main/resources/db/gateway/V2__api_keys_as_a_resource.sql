-- API keys become a resource (GET/POST/PATCH/DELETE /v1/api-keys, POST /v1/api-keys/{id}/regenerate).
-- key_hash is now "hmac:" + HMAC-SHA256(server secret, key) in hex: a stolen table cannot be tested
-- against guesses without the secret. previous_key_hash keeps a regenerated key's old hash valid
-- until previous_key_expires_at (the rotation's overlap window).
ALTER TABLE api_keys
    ADD COLUMN environment             TEXT NOT NULL DEFAULT 'live' CHECK (environment IN ('live', 'test')),
    ADD COLUMN last_used_at            TIMESTAMPTZ,
    ADD COLUMN expires_at              TIMESTAMPTZ,
    ADD COLUMN previous_key_hash       TEXT,
    ADD COLUMN previous_key_expires_at TIMESTAMPTZ;
CREATE UNIQUE INDEX api_keys_previous_hash ON api_keys (previous_key_hash) WHERE previous_key_hash IS NOT NULL;

-- Rows hashed with plain SHA-256 can never match again. They all came from configuration, which
-- provisions them anew (HMAC) at start; revoked ones are kept so their history stays visible.
DELETE FROM api_keys WHERE key_hash NOT LIKE 'hmac:%' AND revoked_at IS NULL;

-- Organizations created through the admin path (POST /v1/admin/organizations). Keys of
-- organizations provisioned from configuration need no row here.
CREATE TABLE organizations (
    id         TEXT        PRIMARY KEY,
    name       TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
