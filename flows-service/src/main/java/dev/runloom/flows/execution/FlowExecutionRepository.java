package dev.runloom.flows.execution;

import dev.runloom.common.jdbc.Sql;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.util.List;

/**
 * The {@code flow_executions} table. Executions are written a poll's worth at a time: one JDBC batch,
 * which the driver sends as multi-row INSERTs ({@code reWriteBatchedInserts}).
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class FlowExecutionRepository implements GenericRepository<FlowExecution, String> {
    private static final String INSERT = """
            INSERT INTO flow_executions (id, organization_id, user_id, flow_id, flow_version_id, batch_id,
                schedule_run_id, record_id, record_name, record_type, status, error, context_steps, prompts_executed,
                started_at, completed_at, duration_ms, prompt_tokens, completion_tokens, total_tokens, total_cost)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""";

    private final Sql sql;

    protected FlowExecutionRepository(Sql sql) {
        this.sql = sql;
    }

    /** One JDBC batch, inside the caller's transaction. */
    public void insertAll(List<FlowExecution> executions) {
        sql.batch(INSERT, executions, e -> new Object[]{e.id(), e.organizationId(), e.userId(), e.flowId(),
                e.flowVersionId(), e.batchId(), e.scheduleRunId(), e.recordId(), e.recordName(), e.recordType(),
                e.status(), e.error(), e.contextSteps(), e.promptsExecuted(), e.startedAt(), e.completedAt(),
                e.durationMs(), e.promptTokens(), e.completionTokens(), e.totalTokens(), e.totalCost()});
    }
}
