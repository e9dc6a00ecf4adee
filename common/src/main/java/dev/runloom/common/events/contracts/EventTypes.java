package dev.runloom.common.events.contracts;

/**
 * CloudEvents {@code type} values of the published contracts ({@code runloom.<domain>.<event>.v1}).
 * A change that breaks a consumer is a new version: a new type and a new payload record.
 * Documented for outside consumers in docs/events.md.
 */
public final class EventTypes {
    public static final String RECORD_CREATED = "runloom.records.record.created.v1";
    public static final String RECORD_EXECUTION_COMPLETED = "runloom.flows.record-execution.completed.v1";
    public static final String BATCH_STARTED = "runloom.flows.batch.started.v1";
    public static final String BATCH_COMPLETED = "runloom.flows.batch.completed.v1";
    public static final String BATCH_RECORD_WORK = "runloom.flows.batch-record.work.v1";
    public static final String SCHEDULE_RUN_REQUESTED = "runloom.schedules.run.requested.v1";
    public static final String AGENT_EXECUTION_COMPLETED = "runloom.agents.execution.completed.v1";

    private EventTypes() {
    }
}
