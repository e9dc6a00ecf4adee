-- CloudEvents extension attributes a producer set on an event (OutgoingEvent.extensions), as a JSON
-- object of strings: {"runloomschedulerun": "run_…"}. NULL when there are none. The relay publishes
-- each as a ce_<name> header, so consumers can filter events without decoding their payload.
-- (Debezium's outbox router can place such a column in headers: table.fields.additional.placement.)
ALTER TABLE runloom_outbox ADD COLUMN IF NOT EXISTS extensions JSONB;
