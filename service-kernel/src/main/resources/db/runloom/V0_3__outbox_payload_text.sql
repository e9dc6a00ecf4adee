-- The outbox carries each event's payload (and extension attributes) as the JSON text it was written
-- as and is published as. JSONB made PostgreSQL parse every payload on insert and print it back on
-- relay, for a column nothing queries: two conversions per event on the busiest table of a batch.
-- (Debezium's outbox router reads a text payload as well.)
ALTER TABLE runloom_outbox ALTER COLUMN payload TYPE TEXT USING payload::text,
                           ALTER COLUMN extensions TYPE TEXT USING extensions::text;
