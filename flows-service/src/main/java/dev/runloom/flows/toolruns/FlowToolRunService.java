package dev.runloom.flows.toolruns;

import dev.runloom.flows.engine.FlowExecutionOutcome;
import dev.runloom.flows.execution.FlowExecutionRecorder;
import dev.runloom.flows.flow.FlowService;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.util.List;

/** Stores a finished tool run: its execution row and step results, and the flow's last run time, in one transaction. */
@Singleton
public class FlowToolRunService {
    private final FlowExecutionRecorder executions;
    private final FlowService flows;

    public FlowToolRunService(FlowExecutionRecorder executions, FlowService flows) {
        this.executions = executions;
        this.flows = flows;
    }

    @Transactional
    public void save(FlowExecutionOutcome outcome) {
        executions.recordUnannounced(List.of(outcome));
        flows.markRun(outcome.scope().organizationId(), outcome.flowId(), outcome.startedAt());
    }
}
