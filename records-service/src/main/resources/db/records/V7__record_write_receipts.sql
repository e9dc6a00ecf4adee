-- Internal record writes made by flow steps (upsert-record, update-record) carry an idempotency key
-- (flow execution id + step id). The first write with a key claims it here, in the same transaction
-- as the write; a retry with the same key finds the claim and answers the record it wrote, so a
-- retried step never writes twice.
CREATE TABLE record_write_receipts (
    organization_id TEXT        NOT NULL,
    idempotency_key TEXT        NOT NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 300),
    record_id       TEXT,
    created         BOOLEAN     NOT NULL DEFAULT false,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (organization_id, idempotency_key)
);
