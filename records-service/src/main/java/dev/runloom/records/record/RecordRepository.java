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

    // --- internal writes of flow steps (InternalRecordWritesController) ---

    /** Claims an idempotency key in this transaction; false when an earlier write holds it (waits for one in flight). */
    public boolean claimWriteReceipt(String organizationId, String key, Instant at) {
        return sql.update("""
                INSERT INTO record_write_receipts (organization_id, idempotency_key, created_at) VALUES (?, ?, ?)
                ON CONFLICT (organization_id, idempotency_key) DO NOTHING""", organizationId, key, at) == 1;
    }

    public void completeWriteReceipt(String organizationId, String key, String recordId, boolean created) {
        sql.update("UPDATE record_write_receipts SET record_id = ?, created = ? WHERE organization_id = ? AND idempotency_key = ?",
                recordId, created, organizationId, key);
    }

    public Optional<RecordWriteReceipt> findWriteReceipt(String organizationId, String key) {
        return sql.first("SELECT record_id, created FROM record_write_receipts WHERE organization_id = ? AND idempotency_key = ?",
                row -> new RecordWriteReceipt(row.string("record_id"), row.bool("created")), organizationId, key);
    }

    public Optional<Record> findByName(String organizationId, String type, String name) {
        return sql.list("SELECT " + COLUMNS + " FROM records WHERE organization_id = ? AND type = ? AND name = ?",
                Record.class, organizationId, type, name).stream().findFirst();
    }

    /** Locks the row: concurrent updates of one record apply one after the other. */
    public Optional<Record> findForUpdate(String organizationId, String id) {
        return sql.list("SELECT " + COLUMNS + " FROM records WHERE organization_id = ? AND id = ? FOR UPDATE",
                Record.class, organizationId, id).stream().findFirst();
    }

    /** The newest record of the type matching the filter (and the name, when given). */
    public Optional<Record> findFirstMatching(String organizationId, @Nullable String type, @Nullable String name,
                                              @Nullable RecordFilter filter) {
        Where where = Where.of("organization_id = ?", organizationId).andIfPresent("type = ?", type)
                .andIfPresent("name = ?", name);
        if (filter != null && filter.field() != null) {
            String field = filter.field();
            String column = field.equals("name") || field.equals("id") ? field : null;
            String key = field.startsWith("metadata.") ? field.substring("metadata.".length()) : field;
            String text = filter.value() == null ? null : String.valueOf(filter.value());
            String number = "CASE WHEN jsonb_typeof(metadata -> ?) = 'number' THEN (metadata ->> ?)::numeric END";
            where = switch (filter.op() == null ? "eq" : filter.op()) {
                case "neq" -> column != null ? where.and(column + " <> ?", text)
                        : where.and("(metadata ->> ?) IS DISTINCT FROM ?", key, text);
                case "contains" -> column != null ? where.and(column + " ILIKE ?", like(text))
                        : where.and("(metadata ->> ?) ILIKE ?", key, like(text));
                case "gt" -> where.and(number + " > ?", key, key, numeric(filter.value()));
                case "gte" -> where.and(number + " >= ?", key, key, numeric(filter.value()));
                case "lt" -> where.and(number + " < ?", key, key, numeric(filter.value()));
                case "lte" -> where.and(number + " <= ?", key, key, numeric(filter.value()));
                case "exists" -> column != null ? where : where.and("jsonb_exists(metadata, ?)", key);
                default -> column != null ? where.and(column + " = ?", text) : where.and("(metadata ->> ?) = ?", key, text);
            };
        }
        return sql.list("SELECT " + COLUMNS + " FROM records" + where.sql() + " ORDER BY created_at DESC, id DESC LIMIT 1",
                Record.class, where.params()).stream().findFirst();
    }

    public void updateMetadata(String organizationId, String id, Map<String, Object> metadata, Instant at,
                               dev.runloom.common.jdbc.JsonColumns json) {
        sql.update("UPDATE records SET metadata = CAST(? AS jsonb), updated_at = ? WHERE organization_id = ? AND id = ?",
                json.param(metadata), at, organizationId, id);
    }

    private static String like(@Nullable String text) {
        String escaped = text == null ? "" : text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return "%" + escaped + "%";
    }

    private static java.math.BigDecimal numeric(@Nullable Object value) {
        try {
            return new java.math.BigDecimal(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw dev.runloom.common.problem.ProblemException.validation("where.value must be a number for this op");
        }
    }
}
