-- Idempotency-Key on POSTs: the first answer (status, content type, body) to a key, per organization,
-- replayed to retries for 24 hours. A row 'in_progress' marks a request being executed; a retry then
-- gets 409. A row whose request never finished (a gateway died) can be taken over after 10 minutes.
CREATE TABLE idempotency_keys (
    organization_id       TEXT        NOT NULL,
    idempotency_key       TEXT        NOT NULL,
    fingerprint           TEXT        NOT NULL,
    method                TEXT        NOT NULL,
    path                  TEXT        NOT NULL,
    state                 TEXT        NOT NULL CHECK (state IN ('in_progress', 'completed')),
    response_status       INTEGER,
    response_content_type TEXT,
    response_body         BYTEA,
    created_at            TIMESTAMPTZ NOT NULL,
    expires_at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, idempotency_key)
);
CREATE INDEX idempotency_keys_expires ON idempotency_keys (expires_at);
