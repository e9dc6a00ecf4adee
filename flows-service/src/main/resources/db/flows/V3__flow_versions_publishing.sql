-- Versions and publishing (issue 7). A flow's versions are immutable snapshots; the flow row points
-- at two of them:
--   current_version_id   the newest version (what the editor, GET /v1/flows/:id and its steps show)
--   published_version_id the version that runs; NULL until the flow is first published, and then the
--                        newest version runs (a flow created through the API runs at once)
-- The draft is the newest version when it is not the published one.
ALTER TABLE flows ADD COLUMN published_version_id TEXT;

-- label and notes are set when a version is published with them (F7 / FV4 bodies).
ALTER TABLE flow_versions ADD COLUMN label TEXT;
ALTER TABLE flow_versions ADD COLUMN notes TEXT;

-- The heavy fields of a step result (reference 2.6): what the step was configured with, the variables
-- it saw when it started (capped at 64 KiB each; see StepResultDetails) and the record's metadata at that time.
ALTER TABLE step_results ADD COLUMN step_config     JSONB;
ALTER TABLE step_results ADD COLUMN input_variables JSONB;
ALTER TABLE step_results ADD COLUMN record_metadata JSONB;
