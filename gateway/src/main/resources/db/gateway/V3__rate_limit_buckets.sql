-- Token buckets shared by every gateway replica (rate limits per key, per organization, and for
-- failed authentication per client address). One row per bucket, updated by one UPSERT per take.
-- UNLOGGED: a crash forgets the buckets (everyone starts full again), which is harmless, and writes
-- skip the WAL.
CREATE UNLOGGED TABLE rate_limit_buckets (
    bucket_key  TEXT             PRIMARY KEY,
    tokens      DOUBLE PRECISION NOT NULL,
    refilled_at TIMESTAMPTZ      NOT NULL,
    allowed     BOOLEAN          NOT NULL
);
CREATE INDEX rate_limit_buckets_refilled ON rate_limit_buckets (refilled_at);
