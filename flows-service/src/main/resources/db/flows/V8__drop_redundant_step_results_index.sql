-- step_results_by_batch (batch_id) is a prefix of step_results_by_batch_record (batch_id, record_id,
-- step_id) with the same predicate, which serves every lookup by batch as well. Each step result of a
-- batch paid for both; a batch writes several step results per record.
DROP INDEX IF EXISTS step_results_by_batch;
