package dev.runloom.agents.executions;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * The {@code agent_executions} and {@code agent_iterations} tables; every statement is scoped to the
 * organization. Lists page by keyset on {@code (created_at, id)}, newest first, so a deep page costs
 * what the first one costs; their WHERE depends on the filters given, so they go through the kernel's
 * {@link Sql} and {@link Where}. An execution's iterations are written as one JDBC batch.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class ExecutionRepository implements GenericRepository<AgentExecution, String> {
    private static final String INSERT_ITERATION = """
            INSERT INTO agent_iterations (execution_id, iteration, organization_id, model, prompt_tokens,
                                          completion_tokens, cached_prompt_tokens, total_tokens, cost,
                                          price_input_per_million, price_output_per_million,
                                          price_cached_input_per_million, finish_reason, output, tool_calls,
                                          duration_ms, started_at, completed_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (execution_id, iteration) DO UPDATE
                SET completed_at = EXCLUDED.completed_at, tool_calls = EXCLUDED.tool_calls""";
    private static final String SUMMARY_COLUMNS = """
            id, agent_id, organization_id, agent_source, parent_execution_id, surface_type, status, iterations,
            total_tokens, total_cost, stop_reason, started_at, completed_at, created_at""";

    private static final Sql.RowMapper<ExecutionSummary> SUMMARY = row -> new ExecutionSummary(row.string("id"),
            row.string("agent_id"), row.string("organization_id"), row.string("agent_source"),
            row.string("parent_execution_id"), row.string("surface_type"), row.string("status"),
            row.intValue("iterations"), row.longValue("total_tokens"), row.decimal("total_cost"),
            row.string("stop_reason"), row.instant("started_at"), row.instant("completed_at"),
            row.instant("created_at"));

    /** A row's place in the list order. */
    public record Position(Instant createdAt, String id) {
    }

    private final Sql sql;

    protected ExecutionRepository(Sql sql) {
        this.sql = sql;
    }

    /** INSERT of a new execution row. */
    protected abstract AgentExecution save(AgentExecution execution);

    @Query("""
            UPDATE agent_executions
            SET status = :status, iterations = :iterations, total_tokens = :totalTokens, total_cost = :totalCost,
                stop_reason = :stopReason, error_message = :errorMessage, final_output = :finalOutput,
                completed_at = :completedAt
            WHERE organization_id = :organizationId AND id = :id AND status = 'running'""")
    protected abstract int finish(String organizationId, String id, String status, int iterations, long totalTokens,
                                  BigDecimal totalCost, @Nullable String stopReason, @Nullable String errorMessage,
                                  @Nullable String finalOutput, Instant completedAt);

    /**
     * Whether an execution with this id exists in any organization: ids are the table's primary key,
     * and a schedule mints its run's execution id, so a second request for it must find the first.
     */
    public abstract boolean existsById(String id);

    public abstract java.util.Optional<AgentExecution> findByOrganizationIdAndAgentIdAndId(String organizationId,
                                                                                          String agentId, String id);

    /** An execution's iterations in order (A10's breakdown). */
    public List<IterationView> iterations(String organizationId, String executionId) {
        return sql.list("""
                        SELECT iteration, model, prompt_tokens, completion_tokens, cached_prompt_tokens, total_tokens,
                               cost, finish_reason, output, tool_calls, duration_ms, started_at, completed_at
                        FROM agent_iterations WHERE organization_id = ? AND execution_id = ? ORDER BY iteration""",
                row -> new IterationView(row.intValue("iteration"), row.string("model"), row.longValue("prompt_tokens"),
                        row.longValue("completion_tokens"), row.longValue("cached_prompt_tokens"),
                        row.longValue("total_tokens"), row.decimal("cost").stripTrailingZeros().toPlainString(),
                        row.string("finish_reason"), row.string("output"), row.intValue("tool_calls"),
                        row.longValue("duration_ms"), row.instant("started_at"), row.instant("completed_at")),
                organizationId, executionId);
    }

    /** The {@code running} row of an execution about to run. */
    public void insertRunning(NewExecution execution) {
        save(AgentExecution.running(execution));
    }

    /** The row of an execution that already ran (a scheduled one), with how it ended. */
    public void insertFinished(NewExecution execution, ExecutionResult result) {
        save(AgentExecution.finished(execution, result));
    }

    /**
     * Ends a {@code running} execution. False when it is not running any more: the sweeper failed it
     * meanwhile (its worker looked dead), and a late result must not overwrite that end.
     */
    public boolean finish(String organizationId, String executionId, ExecutionResult result) {
        return finish(organizationId, executionId, result.status(), result.iterations(), result.totalTokens(),
                result.totalCost(), result.stopReason(), result.errorMessage(), result.finalOutput(),
                result.completedAt()) == 1;
    }

    /** A {@code running} execution becomes {@code paused} with its totals so far; false when it is not running. */
    public boolean pause(String organizationId, String executionId, int iterations, long totalTokens,
                         BigDecimal totalCost) {
        return sql.update("""
                UPDATE agent_executions SET status = ?, iterations = ?, total_tokens = ?, total_cost = ?
                WHERE organization_id = ? AND id = ? AND status = ?""", ExecutionStatus.PAUSED, iterations,
                totalTokens, totalCost, organizationId, executionId, ExecutionStatus.RUNNING) == 1;
    }

    /**
     * A {@code paused} execution runs again, its heartbeat fresh (so the sweeper does not take the time
     * it was paused for a dead worker); false when it is not paused (someone else resumed it).
     */
    public boolean resumePaused(String organizationId, String executionId, Instant now) {
        return sql.update("""
                UPDATE agent_executions SET status = ?, heartbeat_at = ?
                WHERE organization_id = ? AND id = ? AND status = ?""", ExecutionStatus.RUNNING, now, organizationId,
                executionId, ExecutionStatus.PAUSED) == 1;
    }

    public abstract java.util.Optional<AgentExecution> findByIdAndOrganizationId(String id, String organizationId);

    /**
     * All iterations of an execution in one JDBC batch. An iteration written before (when the execution
     * paused in it) gets its end and tool call count updated; tool calls written before stay as they are.
     */
    public void insertIterations(List<ExecutionIteration> iterations) {
        sql.batch(INSERT_ITERATION, iterations, it -> new Object[]{it.key().executionId(), it.key().iteration(),
                it.organizationId(), it.model(), it.promptTokens(), it.completionTokens(), it.cachedPromptTokens(),
                it.totalTokens(), it.cost(), it.priceInputPerMillion(), it.priceOutputPerMillion(),
                it.priceCachedInputPerMillion(), it.finishReason(), it.output(), it.toolCalls(), it.durationMs(),
                it.startedAt(), it.completedAt()});
    }

    /** One tool call row; {@code inputJson}/{@code outputJson} are JSON texts (null: SQL NULL). */
    public record ToolCallRow(String id, String executionId, String organizationId, int seq, int iteration,
                              @Nullable String providerCallId, String toolId, String toolName, String toolType,
                              @Nullable String toolDescription, String model, String status,
                              @Nullable String errorMessage, @Nullable String inputJson, @Nullable String outputJson,
                              long executionTimeMs, Instant createdAt) {
    }

    public void insertToolCalls(List<ToolCallRow> rows) {
        if (rows.isEmpty()) {
            return;
        }
        sql.batch("""
                INSERT INTO agent_tool_calls (id, execution_id, organization_id, seq, iteration, provider_call_id, tool_id,
                                              tool_name, tool_type, tool_description, model, status, error_message,
                                              input_parameters, output_result, execution_time_ms, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)
                ON CONFLICT (id) DO NOTHING""", rows,
                r -> new Object[]{r.id(), r.executionId(), r.organizationId(), r.seq(), r.iteration(), r.providerCallId(),
                        r.toolId(), r.toolName(), r.toolType(), r.toolDescription(), r.model(), r.status(),
                        r.errorMessage(), r.inputJson(), r.outputJson(), r.executionTimeMs(), r.createdAt()});
    }

    private static final String TOOL_CALL_COLUMNS = """
            id, tool_id, tool_name, tool_description, tool_type, model, status, error_message, execution_time_ms,
            created_at, seq, iteration, provider_call_id""";

    /** A11: an execution's tool calls in order, without their input and output. */
    public List<ToolCallView> toolCalls(String organizationId, String executionId, int limit, int offset) {
        return sql.list("SELECT " + TOOL_CALL_COLUMNS + ", NULL AS input_parameters, NULL AS output_result"
                        + " FROM agent_tool_calls WHERE organization_id = ? AND execution_id = ? ORDER BY seq LIMIT ? OFFSET ?",
                ExecutionRepository::toolCall, organizationId, executionId, limit, offset);
    }

    /** A12: one tool call with its input and output (JSON texts, parsed by the caller). */
    public java.util.Optional<ToolCallView> toolCall(String organizationId, String executionId, String id) {
        return sql.first("SELECT " + TOOL_CALL_COLUMNS + ", input_parameters::text AS input_parameters,"
                        + " output_result::text AS output_result"
                        + " FROM agent_tool_calls WHERE organization_id = ? AND execution_id = ? AND id = ?",
                ExecutionRepository::toolCall, organizationId, executionId, id);
    }

    private static ToolCallView toolCall(dev.runloom.common.jdbc.Row row) throws java.sql.SQLException {
        return new ToolCallView(row.string("id"), row.string("tool_id"), row.string("tool_name"),
                row.string("tool_description"), row.string("tool_type"), row.string("model"), row.string("status"),
                row.string("error_message"), row.longValue("execution_time_ms"), row.instant("created_at"),
                row.string("input_parameters"), row.string("output_result"));
    }

    /** Up to {@code limit} matching rows strictly after {@code after} (from the top when null), newest first. */
    public List<ExecutionSummary> listAfter(ExecutionFilter filter, @Nullable Position after, int limit) {
        Where where = where(filter).andKeysetBefore("created_at", "id",
                after == null ? null : after.createdAt(), after == null ? null : after.id());
        return sql.list("SELECT " + SUMMARY_COLUMNS + " FROM agent_executions" + where.sql()
                + " ORDER BY created_at DESC, id DESC LIMIT ?", SUMMARY, where.paramsThen(limit));
    }

    /**
     * Positions of up to {@code limit} matching rows that come before {@code position} in list order,
     * the position's own row included, nearest first: what a client paging backwards has already seen.
     */
    public List<Position> listUpTo(ExecutionFilter filter, Position position, int limit) {
        Where where = where(filter).and("(created_at, id) >= (?, ?)", position.createdAt(), position.id());
        return sql.list("SELECT created_at, id FROM agent_executions" + where.sql()
                        + " ORDER BY created_at ASC, id ASC LIMIT ?",
                row -> new Position(row.instant("created_at"), row.string("id")), where.paramsThen(limit));
    }

    public long count(ExecutionFilter filter) {
        Where where = where(filter);
        return sql.count("SELECT count(*) FROM agent_executions" + where.sql(), where.params());
    }

    /** Another agent's executions match only in the cross-agent drill-down (see {@link ExecutionFilter}). */
    private static Where where(ExecutionFilter filter) {
        Where where = Where.of("organization_id = ?", filter.organizationId());
        if (!filter.crossAgent()) {
            where.and("agent_id = ?", filter.agentId());
        }
        return where.andIfPresent("parent_execution_id = ?", filter.parentExecutionId())
                .andIfPresent("id = ?", filter.executionId())
                .andIfPresent("status = ?", filter.status())
                .andIfPresent("surface_type = ?", filter.surfaceType())
                .andIfPresent("created_at >= ?", filter.from())
                .andIfPresent("created_at < ?", filter.to());
    }
}
