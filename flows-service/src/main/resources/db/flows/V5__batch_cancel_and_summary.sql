-- Batch API (issue 11, endpoints). A batch's status gains 'cancelled' (a finished state: completed_at
-- set, counters frozen; the records it left unrun are total_records - processed_records).
-- GET /v1/batch/summary: an organization's unfinished batches and its most recent finished ones.
CREATE INDEX batches_by_organization_started ON batches (organization_id, started_at DESC);
