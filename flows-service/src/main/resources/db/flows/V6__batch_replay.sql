-- Replay from step N (issue 11): POST /v1/batch/:id/replay makes a new batch linked to the old one.
-- The link lives beside the batch (most batches are no replays); one row per replay batch.
CREATE TABLE batch_replays (
    batch_id         TEXT        PRIMARY KEY,
    organization_id  TEXT        NOT NULL,
    replay_of        TEXT        NOT NULL,
    from_step        INT         NOT NULL, -- 1-based: the first step that ran again
    flow_version_id  TEXT        NOT NULL
);
CREATE INDEX batch_replays_by_source ON batch_replays (organization_id, replay_of);
-- A replayed record reads the variables its old execution had when step N started: one lookup per
-- record by batch, record and step (the batch-only index would scan the whole batch's rows each time).
CREATE INDEX step_results_by_batch_record ON step_results (batch_id, record_id, step_id) WHERE batch_id IS NOT NULL;
