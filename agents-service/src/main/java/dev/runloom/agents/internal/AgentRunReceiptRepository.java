package dev.runloom.agents.internal;

import dev.runloom.agents.executions.AgentExecution;
import dev.runloom.common.jdbc.Sql;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;

/**
 * The {@code agent_run_receipts} table (idempotency keys of internal agent runs) and the read of the
 * execution a receipt points to; every statement is scoped to the organization.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class AgentRunReceiptRepository implements GenericRepository<AgentExecution, String> {
    private final Sql sql;

    protected AgentRunReceiptRepository(Sql sql) {
        this.sql = sql;
    }

    /** False when the key was claimed before (waits for a claim still in flight). */
    public boolean claim(String organizationId, String key, Instant at) {
        return sql.update("""
                INSERT INTO agent_run_receipts (organization_id, idempotency_key, created_at) VALUES (?, ?, ?)
                ON CONFLICT (organization_id, idempotency_key) DO NOTHING""", organizationId, key, at) == 1;
    }

    public void complete(String organizationId, String key, String executionId) {
        sql.update("UPDATE agent_run_receipts SET execution_id = ? WHERE organization_id = ? AND idempotency_key = ?",
                executionId, organizationId, key);
    }

    /** A claim whose run could not start (unknown agent …) is released, so the key can be used again. */
    public void release(String organizationId, String key) {
        sql.update("DELETE FROM agent_run_receipts WHERE organization_id = ? AND idempotency_key = ? AND execution_id IS NULL",
                organizationId, key);
    }

    /** The receipt's execution id; empty when there is no receipt, null inside when its run has not recorded one yet. */
    public Optional<Optional<String>> find(String organizationId, String key) {
        return sql.first("SELECT execution_id FROM agent_run_receipts WHERE organization_id = ? AND idempotency_key = ?",
                row -> Optional.ofNullable(row.string("execution_id")), organizationId, key);
    }

    public abstract Optional<AgentExecution> findByIdAndOrganizationId(String id, String organizationId);
}
