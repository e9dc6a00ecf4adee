-- Nothing looks step results up by execution alone any more: the one reader (a replay reading the
-- metadata of the records a batch ran) finds them by batch and record, which
-- step_results_by_batch_record serves. Every step result paid for this index: two entries per record
-- of a batch.
DROP INDEX IF EXISTS step_results_by_execution;
