package dev.runloom.agents.events;

import dev.runloom.events.EventCatalog;
import dev.runloom.events.EventStream;
import dev.runloom.events.EventType;

import java.util.List;

/** What agents-service publishes. Documented for outside consumers in docs/asyncapi.yaml. */
public final class AgentEvents implements EventCatalog {
    /** Agent execution lifecycle, keyed by execution id. */
    public static final EventStream EXECUTIONS = new EventStream("runloom.agents.executions.v1", "execution id",
            "Agent execution lifecycle.");

    public static final EventType<AgentExecutionCompletedV1> EXECUTION_COMPLETED = EventType.of(
            "runloom.agents.execution.completed.v1", EXECUTIONS, AgentExecutionCompletedV1.class,
            "An agent execution ended (completed or failed), with its tokens and cost.");

    @Override
    public String producer() {
        return "agents-service";
    }

    @Override
    public List<EventStream> streams() {
        return List.of(EXECUTIONS);
    }

    @Override
    public List<EventType<?>> types() {
        return List.of(EXECUTION_COMPLETED);
    }
}
