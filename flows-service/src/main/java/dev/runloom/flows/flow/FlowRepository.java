package dev.runloom.flows.flow;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The {@code flows} table; every statement filters by organization. The listing pages by keyset on
 * {@code (created_at, id)}, newest first, and its WHERE depends on the search, so it goes through
 * {@link Sql} and {@link Where}.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class FlowRepository implements GenericRepository<Flow, String> {
    private static final String COLUMNS = """
            id, organization_id, user_id, name, description, current_version_id, published_version_id, created_at,
            updated_at, last_run_at""";

    /** A row's place in the list order. */
    public record Position(Instant createdAt, String id) {
    }

    private final Sql sql;

    protected FlowRepository(Sql sql) {
        this.sql = sql;
    }

    @Query("""
            INSERT INTO flows (id, organization_id, user_id, name, description, current_version_id,
                               published_version_id, created_at, updated_at, last_run_at)
            VALUES (:id, :organizationId, :userId, :name, :description, :currentVersionId,
                    :publishedVersionId, :createdAt, :updatedAt, :lastRunAt)""")
    protected abstract void insert(String id, String organizationId, @Nullable String userId, String name,
                                   @Nullable String description, String currentVersionId,
                                   @Nullable String publishedVersionId, Instant createdAt, Instant updatedAt,
                                   @Nullable Instant lastRunAt);

    public void insert(Flow f) {
        insert(f.id(), f.organizationId(), f.userId(), f.name(), f.description(), f.currentVersionId(),
                f.publishedVersionId(), f.createdAt(), f.updatedAt(), f.lastRunAt());
    }

    public abstract Optional<Flow> findByOrganizationIdAndId(String organizationId, String id);

    /** Like {@link #findByOrganizationIdAndId}, holding the row until commit: edits, publishes and deletes take turns. */
    @Query("SELECT " + COLUMNS + " FROM flows WHERE organization_id = :organizationId AND id = :id FOR UPDATE")
    public abstract Optional<Flow> findForUpdate(String organizationId, String id);

    /** A new newest version (an edit), with the flow's name and description as edited. */
    @Query("""
            UPDATE flows SET name = :name, description = :description, current_version_id = :currentVersionId,
                             updated_at = :updatedAt
            WHERE organization_id = :organizationId AND id = :id""")
    public abstract void edit(String organizationId, String id, String name, @Nullable String description,
                              String currentVersionId, Instant updatedAt);

    @Query("""
            UPDATE flows SET published_version_id = :publishedVersionId, updated_at = :updatedAt
            WHERE organization_id = :organizationId AND id = :id""")
    public abstract void publish(String organizationId, String id, String publishedVersionId, Instant updatedAt);

    @Query("DELETE FROM flows WHERE organization_id = :organizationId AND id = :id")
    public abstract int delete(String organizationId, String id);

    /** Moves {@code last_run_at} forward only: batches finishing out of order never move it back. */
    @Query("""
            UPDATE flows SET last_run_at = GREATEST(COALESCE(last_run_at, :at), :at)
            WHERE organization_id = :organizationId AND id = :id""")
    public abstract void markRun(String organizationId, String id, Instant at);

    /** Up to {@code limit} flows strictly after {@code after} in list order (from the top when null), newest first. */
    public List<Flow> listAfter(String organizationId, @Nullable String search, @Nullable Position after, int limit) {
        Where where = where(organizationId, search).andKeysetBefore("created_at", "id",
                after == null ? null : after.createdAt(), after == null ? null : after.id());
        return sql.list("SELECT " + COLUMNS + " FROM flows" + where.sql() + " ORDER BY created_at DESC, id DESC LIMIT ?",
                Flow.class, where.paramsThen(limit));
    }

    /** Up to {@code limit} flows strictly before {@code before} in list order, nearest first (a page read backwards). */
    public List<Flow> listBefore(String organizationId, @Nullable String search, Position before, int limit) {
        Where where = where(organizationId, search).andKeysetAfter("created_at", "id", before.createdAt(), before.id());
        return sql.list("SELECT " + COLUMNS + " FROM flows" + where.sql() + " ORDER BY created_at ASC, id ASC LIMIT ?",
                Flow.class, where.paramsThen(limit));
    }

    public long count(String organizationId, @Nullable String search) {
        Where where = where(organizationId, search);
        return sql.count("SELECT count(*) FROM flows" + where.sql(), where.params());
    }

    /** Name contains {@code search}, any case; LIKE's wildcards in it match themselves. */
    private static Where where(String organizationId, @Nullable String search) {
        Where where = Where.of("organization_id = ?", organizationId);
        if (search != null) {
            String escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
            where.and("name ILIKE ? ESCAPE '\\'", "%" + escaped + "%");
        }
        return where;
    }
}
