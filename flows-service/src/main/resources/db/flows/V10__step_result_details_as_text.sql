-- A step result's detail fields (the step's config, the variables it started with, the record's
-- metadata) are stored as the JSON text they were written as. Nothing queries inside them, and as
-- JSONB PostgreSQL parsed each on every insert and printed it back on every read: three documents per
-- step result, on the table a batch writes most. (Rewrites the table once.)
ALTER TABLE step_results ALTER COLUMN step_config TYPE TEXT USING step_config::text,
                         ALTER COLUMN input_variables TYPE TEXT USING input_variables::text,
                         ALTER COLUMN record_metadata TYPE TEXT USING record_metadata::text;
