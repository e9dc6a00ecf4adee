package dev.runloom.flows.engine;

import dev.runloom.kernel.events.OutgoingEvent;
import dev.runloom.kernel.events.Topics;
import dev.runloom.kernel.events.EventTypes;
import dev.runloom.flows.events.RecordExecutionCompletedV1;
import dev.runloom.flows.events.RecordRefV1;
import dev.runloom.kernel.outbox.Outbox;
import dev.runloom.flows.stepresults.StepResultRepository;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.sql.Timestamp;
import java.util.List;

/**
 * Persists finished executions in batches: the execution rows, their step results and one
 * {@code RecordExecutionCompletedV1} per execution in the outbox, all in the caller's transaction.
 */
@Singleton
public class ExecutionRecorder {
    private final JdbcOperations jdbc;
    private final StepResultRepository stepResults;
    private final Outbox outbox;

    public ExecutionRecorder(JdbcOperations jdbc, StepResultRepository stepResults, Outbox outbox) {
        this.jdbc = jdbc;
        this.stepResults = stepResults;
        this.outbox = outbox;
    }

    @Transactional
    public void record(List<ExecutionOutcome> outcomes) {
        if (outcomes.isEmpty()) {
            return;
        }
        insertExecutions(outcomes);
        stepResults.insertAll(outcomes.stream().flatMap(o -> o.stepResults().stream()).toList());
        outbox.appendAll(outcomes.stream().map(ExecutionRecorder::completedEvent).toList());
    }

    private void insertExecutions(List<ExecutionOutcome> outcomes) {
        jdbc.prepareStatement("""
                INSERT INTO flow_executions (id, organization_id, user_id, flow_id, flow_version_id, batch_id,
                    schedule_run_id, record_id, record_name, record_type, status, error, context_steps, prompts_executed,
                    started_at, completed_at, duration_ms, prompt_tokens, completion_tokens, total_tokens, total_cost)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""", st -> {
            for (ExecutionOutcome o : outcomes) {
                int i = 0;
                st.setString(++i, o.executionId());
                st.setString(++i, o.scope().organizationId());
                st.setString(++i, o.scope().userId());
                st.setString(++i, o.flowId());
                st.setString(++i, o.flowVersionId());
                st.setString(++i, o.scope().batchId());
                st.setString(++i, o.scope().scheduleRunId());
                st.setString(++i, o.record().id());
                st.setString(++i, o.record().name());
                st.setString(++i, o.record().type());
                st.setString(++i, o.status());
                st.setString(++i, o.error());
                st.setInt(++i, o.contextSteps());
                st.setInt(++i, o.promptsExecuted());
                st.setTimestamp(++i, Timestamp.from(o.startedAt()));
                st.setTimestamp(++i, Timestamp.from(o.completedAt()));
                st.setLong(++i, o.durationMs());
                st.setLong(++i, o.promptTokens());
                st.setLong(++i, o.completionTokens());
                st.setLong(++i, o.totalTokens());
                st.setBigDecimal(++i, o.totalCost());
                st.addBatch();
            }
            return st.executeBatch();
        });
    }

    static OutgoingEvent completedEvent(ExecutionOutcome o) {
        RecordExecutionCompletedV1 payload = new RecordExecutionCompletedV1(o.executionId(), o.scope().organizationId(),
                o.scope().userId(), o.flowId(), o.flowName(), o.flowVersionId(), o.scope().batchId(),
                o.scope().scheduleRunId(), new RecordRefV1(o.record().id(), o.record().name(), o.record().type()),
                o.status(), o.success(), o.error(), o.startedAt(), o.completedAt(), o.durationMs(), o.contextSteps(),
                o.promptsExecuted(), o.totalTokens(), o.totalCost(), o.results());
        return new OutgoingEvent(Topics.FLOW_EXECUTIONS, o.record().id(), EventTypes.RECORD_EXECUTION_COMPLETED,
                o.executionId(), o.scope().organizationId(), payload);
    }
}
