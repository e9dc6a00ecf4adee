-- The relay deletes a row once the broker acknowledged it, instead of setting sent_at: marking wrote a
-- second version of each row (its payload included) and new entries in every index, the costliest
-- statement of a large batch, and the table kept an hour of sent events. Kafka keeps sent events.
-- Rows already marked go now; sent_at stays so that a relay from before this migration, still running
-- during a rolling upgrade, keeps working (the new relay claims only rows where it is NULL: the old
-- one's marked rows are not sent twice).
DELETE FROM runloom_outbox WHERE sent_at IS NOT NULL;
-- Every row is unsent now: the partial index duplicated the primary key, one more entry per event.
DROP INDEX IF EXISTS runloom_outbox_unsent;
