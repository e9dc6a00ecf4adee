-- Work items of a large batch not yet in the outbox. The request that queues a batch writes its first
-- chunk of work items to the outbox and the rest here, one row per chunk (ids, keys and payloads as
-- arrays: a hundred rows for 100,000 records instead of 100,000 outbox rows in the request's
-- transaction); BatchFanOut then moves them to the outbox a chunk per transaction — deleted in the
-- transaction that appends them, so each is moved exactly once, by whichever replica claims it —
-- and workers start on the first records while the rest are still being queued.
CREATE TABLE batch_pending_work (
    id              BIGSERIAL PRIMARY KEY,
    organization_id TEXT   NOT NULL,
    batch_id        TEXT   NOT NULL,
    event_ids       TEXT[] NOT NULL,
    record_ids      TEXT[] NOT NULL,
    payloads        TEXT[] NOT NULL
);
CREATE INDEX batch_pending_work_by_batch ON batch_pending_work (organization_id, batch_id);
