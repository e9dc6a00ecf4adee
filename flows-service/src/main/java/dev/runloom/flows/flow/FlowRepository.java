package dev.runloom.flows.flow;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;

/** The {@code flows} table; every statement filters by organization. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface FlowRepository extends GenericRepository<Flow, String> {

    @Query("""
            INSERT INTO flows (id, organization_id, user_id, name, description, current_version_id,
                               created_at, updated_at, last_run_at)
            VALUES (:id, :organizationId, :userId, :name, :description, :currentVersionId,
                    :createdAt, :updatedAt, :lastRunAt)""")
    void insert(String id, String organizationId, @Nullable String userId, String name, @Nullable String description,
                String currentVersionId, Instant createdAt, Instant updatedAt, @Nullable Instant lastRunAt);

    default void insert(Flow f) {
        insert(f.id(), f.organizationId(), f.userId(), f.name(), f.description(), f.currentVersionId(), f.createdAt(),
                f.updatedAt(), f.lastRunAt());
    }

    Optional<Flow> findByOrganizationIdAndId(String organizationId, String id);

    /** Moves {@code last_run_at} forward only: batches finishing out of order never move it back. */
    @Query("""
            UPDATE flows SET last_run_at = GREATEST(COALESCE(last_run_at, :at), :at)
            WHERE organization_id = :organizationId AND id = :id""")
    void markRun(String organizationId, String id, Instant at);
}
