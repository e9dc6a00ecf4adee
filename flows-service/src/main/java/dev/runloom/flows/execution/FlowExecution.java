package dev.runloom.flows.execution;

import dev.runloom.flows.engine.FlowExecutionOutcome;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.math.BigDecimal;
import java.time.Instant;

/** One flow execution for one record (table {@code flow_executions}): its outcome, tokens and cost. */
@MappedEntity("flow_executions")
public record FlowExecution(@Id String id,
                            String organizationId,
                            @Nullable String userId,
                            String flowId,
                            String flowVersionId,
                            @Nullable String batchId,
                            @Nullable String scheduleRunId,
                            String recordId,
                            @Nullable String recordName,
                            @Nullable String recordType,
                            String status,
                            @Nullable String error,
                            int contextSteps,
                            int promptsExecuted,
                            Instant startedAt,
                            Instant completedAt,
                            long durationMs,
                            long promptTokens,
                            long completionTokens,
                            long totalTokens,
                            BigDecimal totalCost) {

    static FlowExecution of(FlowExecutionOutcome o) {
        return new FlowExecution(o.executionId(), o.scope().organizationId(), o.scope().userId(), o.flowId(),
                o.flowVersionId(), o.scope().batchId(), o.scope().scheduleRunId(), o.record().id(), o.record().name(),
                o.record().type(), o.status(), o.error(), o.contextSteps(), o.promptsExecuted(), o.startedAt(),
                o.completedAt(), o.durationMs(), o.promptTokens(), o.completionTokens(), o.totalTokens(), o.totalCost());
    }
}
