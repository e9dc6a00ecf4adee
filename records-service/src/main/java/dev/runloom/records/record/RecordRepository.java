package dev.runloom.records.record;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code records} table. Static statements are derived or {@code @Query} methods; statements
 * whose WHERE depends on the filters given go through the kernel's {@link Sql} and {@link Where}.
 * Every statement filters by organization.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class RecordRepository implements GenericRepository<Record, String> {
    private static final String COLUMNS =
            "id, organization_id, user_id, type, name, metadata, messages, created_at, updated_at";

    private final Sql sql;

    protected RecordRepository(Sql sql) {
        this.sql = sql;
    }

    /**
     * ON CONFLICT makes the uniqueness check and the insert one atomic step: of two concurrent
     * creates with the same (organization, type, name) exactly one inserts a row.
     *
     */
    @Query("""
            INSERT INTO records (id, organization_id, user_id, type, name, metadata, messages, created_at, updated_at)
            VALUES (:id, :organizationId, :userId, :type, :name, CAST(:metadata AS jsonb), CAST(:messages AS jsonb),
                    :createdAt, :updatedAt)
            ON CONFLICT (organization_id, type, name) DO NOTHING""")
    protected abstract int insertIfAbsent(String id, String organizationId, @Nullable String userId, String type,
                                          String name, @TypeDef(type = DataType.JSON) Map<String, Object> metadata,
                                          @Nullable @TypeDef(type = DataType.JSON) List<Map<String, Object>> messages,
                                          Instant createdAt, Instant updatedAt);

    /** @return false when a record with the same organization, type and name already exists */
    public boolean insertIfAbsent(Record r) {
        return insertIfAbsent(r.id(), r.organizationId(), r.userId(), r.type(), r.name(), r.metadata(), r.messages(),
                r.createdAt(), r.updatedAt()) == 1;
    }

    public abstract Optional<Record> findByOrganizationIdAndId(String organizationId, String id);

    public abstract boolean existsByOrganizationIdAndId(String organizationId, String id);

    public abstract long countByOrganizationId(String organizationId);

    public abstract long countByOrganizationIdAndType(String organizationId, String type);

    /**
     * Newest first by (created_at, id); {@code beforeAt}/{@code beforeId} is the keyset position of
     * the last row already seen (both null for the first page).
     */
    public List<Record> listNewestFirst(String organizationId, @Nullable String type,
                                        @Nullable Instant beforeAt, @Nullable String beforeId, int limit) {
        Where where = Where.of("organization_id = ?", organizationId)
                .andIfPresent("type = ?", type)
                .andKeysetBefore("created_at", "id", beforeAt, beforeId);
        return sql.list("SELECT " + COLUMNS + " FROM records" + where.sql()
                + " ORDER BY created_at DESC, id DESC LIMIT ?", Record.class, where.paramsThen(limit));
    }

    /** Records of a type in id order after {@code afterId} (exclusive); served by (organization_id, type, id). */
    public List<Record> listByTypeAfter(String organizationId, String type, @Nullable String afterId, int limit) {
        Where where = Where.of("organization_id = ? AND type = ?", organizationId, type).andIfPresent("id > ?", afterId);
        return sql.list("SELECT " + COLUMNS + " FROM records" + where.sql() + " ORDER BY id LIMIT ?", Record.class,
                where.paramsThen(limit));
    }
}
