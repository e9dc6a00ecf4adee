-- Schedules complete (issue 8): missed-run policy, agent run outcomes, indexes for the new reads.

-- What the scheduler does with fire times it missed (it was down or behind): fire once for the
-- oldest ('fire_once', the behaviour before this column existed) or skip them ('skip').
ALTER TABLE schedules ADD COLUMN missed_run_policy TEXT NOT NULL DEFAULT 'fire_once'
    CHECK (missed_run_policy IN ('fire_once', 'skip'));

-- An agent run's tokens and cost, from agents-service's completion event. Kept internal: the
-- reference's schedule run object (§2.9) has no such fields.
ALTER TABLE schedule_runs ADD COLUMN total_tokens BIGINT;
ALTER TABLE schedule_runs ADD COLUMN total_cost NUMERIC;

-- every run of an organization newest first (GET /v1/schedules/runs), and the day ranges of sparklines
CREATE INDEX schedule_runs_by_org ON schedule_runs (organization_id, created_at DESC, id DESC);
-- a batch's results are found through the run that owns the batch (GET /v1/schedules/batch/:batchId/results)
CREATE INDEX schedule_runs_by_batch ON schedule_runs (batch_execution_id) WHERE batch_execution_id IS NOT NULL;
