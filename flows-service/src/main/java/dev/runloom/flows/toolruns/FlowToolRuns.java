package dev.runloom.flows.toolruns;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.engine.CompiledFlow;
import dev.runloom.flows.engine.CompiledFlows;
import dev.runloom.flows.engine.ExecutionScope;
import dev.runloom.flows.engine.FlowEngine;
import dev.runloom.flows.engine.FlowExecutionOutcome;
import dev.runloom.flows.flow.FlowService;
import dev.runloom.flows.recordsource.SourceRecord;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flow run as an agent's tool: the flow's running version (as a batch would take it) runs once,
 * inline, through the same {@link FlowEngine} as run-on-record-type's small batches, with the tool
 * call's arguments as its variables. Model calls run outside any transaction; the execution and its
 * step results are then stored in one ({@link FlowToolRunService}).
 *
 * <p>A tool run has no record. Its {@code _record} is a stand-in that ties the run to the agent:
 * id = the agent's tool call id ({@code toolcall_…}), type {@value #RECORD_TYPE}, metadata
 * {@code {agentId, agentExecutionId, toolCallId}} — so the flow execution and every step result
 * (its {@code recordId} and {@code recordMetadata}) link back to the agent execution. For the same
 * reason no {@code RecordExecutionCompletedV1} is published: records-service would file its results
 * under a record that does not exist.
 */
@Singleton
public class FlowToolRuns {
    public static final String RECORD_TYPE = "agent-tool-call";

    private final FlowService flows;
    private final CompiledFlows compiledFlows;
    private final FlowEngine engine;
    private final FlowToolRunService store;

    public FlowToolRuns(FlowService flows, CompiledFlows compiledFlows, FlowEngine engine, FlowToolRunService store) {
        this.flows = flows;
        this.compiledFlows = compiledFlows;
        this.engine = engine;
        this.store = store;
    }

    /** The agent tool call a flow runs for. */
    public record Caller(String agentId, String agentExecutionId, String toolCallId) {
    }

    /** @throws dev.runloom.common.problem.ProblemException 404 for a flow not in the tenant's organization */
    public FlowToolRun run(Tenant tenant, String flowId, Map<String, Object> variables, Caller caller) {
        CompiledFlow flow = compiledFlows.compiled(flows.getRunning(tenant, flowId).version());
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("agentId", caller.agentId());
        link.put("agentExecutionId", caller.agentExecutionId());
        link.put("toolCallId", caller.toolCallId());
        SourceRecord standIn = new SourceRecord(caller.toolCallId(), null, RECORD_TYPE, link);
        ExecutionScope scope = new ExecutionScope(tenant.organizationId(), tenant.userId(), null, null, variables);
        FlowExecutionOutcome outcome = engine.run(flow, scope, standIn);
        store.save(outcome);
        return FlowToolRun.of(outcome);
    }
}
