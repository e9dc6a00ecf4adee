package dev.runloom.records.record;

import dev.runloom.common.jdbc.JsonColumns;
import dev.runloom.common.jdbc.Row;
import dev.runloom.common.jdbc.Sql;
import dev.runloom.common.jdbc.Where;
import dev.runloom.records.filter.RecordFilter;
import dev.runloom.records.filter.RecordFilterCompiler;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code records} table. Static statements are derived or {@code @Query} methods; statements
 * whose WHERE depends on the filters given go through the kernel's {@link Sql} and {@link Where},
 * with the chip filter compiled by {@link RecordFilterCompiler} (bound values only). Every statement
 * filters by organization. Counts come from {@code record_counts}, which triggers keep exact.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class RecordRepository implements GenericRepository<Record, String> {
    static final String COLUMNS = "id, organization_id, user_id, type, name, metadata, messages, metadata_schema, "
            + "metadata_labels, created_at, updated_at";

    private final Sql sql;
    private final RecordFilterCompiler filters;

    protected RecordRepository(Sql sql, RecordFilterCompiler filters) {
        this.sql = sql;
        this.filters = filters;
    }

    /**
     * ON CONFLICT makes the uniqueness check and the insert one atomic step: of two concurrent
     * creates with the same (organization, type, name) exactly one inserts a row.
     */
    @Query("""
            INSERT INTO records (id, organization_id, user_id, type, name, metadata, messages, metadata_schema,
                                 metadata_labels, created_at, updated_at)
            VALUES (:id, :organizationId, :userId, :type, :name, CAST(:metadata AS jsonb), CAST(:messages AS jsonb),
                    CAST(:metadataSchema AS jsonb), CAST(:metadataLabels AS jsonb), :createdAt, :updatedAt)
            ON CONFLICT (organization_id, type, name) DO NOTHING""")
    protected abstract int insertIfAbsent(String id, String organizationId, @Nullable String userId, String type,
                                          String name, @TypeDef(type = DataType.JSON) Map<String, Object> metadata,
                                          @Nullable @TypeDef(type = DataType.JSON) List<Map<String, Object>> messages,
                                          @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> metadataSchema,
                                          @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> metadataLabels,
                                          Instant createdAt, Instant updatedAt);

    /** @return false when a record with the same organization, type and name already exists */
    public boolean insertIfAbsent(Record r) {
        return insertIfAbsent(r.id(), r.organizationId(), r.userId(), r.type(), r.name(), r.metadata(), r.messages(),
                r.metadataSchema(), r.metadataLabels(), r.createdAt(), r.updatedAt()) == 1;
    }

    /**
     * Writes every changed column of one record; a type + name another record of the organization
     * has already fails with a unique violation (the caller turns it into a 409).
     */
    @Query("""
            UPDATE records SET type = :type, name = :name, metadata = CAST(:metadata AS jsonb),
                   messages = CAST(:messages AS jsonb), metadata_schema = CAST(:metadataSchema AS jsonb),
                   metadata_labels = CAST(:metadataLabels AS jsonb), updated_at = :updatedAt
            WHERE organization_id = :organizationId AND id = :id""")
    protected abstract int update(String organizationId, String id, String type, String name,
                                  @TypeDef(type = DataType.JSON) Map<String, Object> metadata,
                                  @Nullable @TypeDef(type = DataType.JSON) List<Map<String, Object>> messages,
                                  @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> metadataSchema,
                                  @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> metadataLabels,
                                  Instant updatedAt);

    public boolean update(Record r) {
        return update(r.organizationId(), r.id(), r.type(), r.name(), r.metadata(), r.messages(), r.metadataSchema(),
                r.metadataLabels(), r.updatedAt()) == 1;
    }

    public abstract Optional<Record> findByOrganizationIdAndId(String organizationId, String id);

    /** The record, its row locked until the transaction ends (read-modify-write of an update). */
    public Optional<Record> findForUpdate(String organizationId, String id) {
        return sql.list("SELECT " + COLUMNS + " FROM records WHERE organization_id = ? AND id = ? FOR UPDATE",
                Record.class, organizationId, id).stream().findFirst();
    }

    public abstract boolean existsByOrganizationIdAndId(String organizationId, String id);

    /** The deleted record's type; empty when there was none. */
    public Optional<String> deleteOne(String organizationId, String id) {
        return sql.first("DELETE FROM records WHERE organization_id = ? AND id = ? RETURNING type",
                row -> row.string("type"), organizationId, id);
    }

    /** The organization's records (of a type, when given), from the trigger-kept counters: one index read. */
    public long countExact(String organizationId, @Nullable String type) {
        Where where = Where.of("organization_id = ?", organizationId).andIfPresent("type = ?", type);
        return sql.count("SELECT coalesce(sum(count), 0) FROM record_counts" + where.sql(), where.params());
    }

    /** Matching records, counting at most {@code cap + 1} (so the caller can tell the count was capped). */
    public long countUpTo(String organizationId, RecordQuery query, long cap) {
        Where where = where(organizationId, query);
        return sql.count("SELECT count(*) FROM (SELECT 1 FROM records" + where.sql() + " LIMIT ?) capped",
                where.paramsThen(cap + 1));
    }

    /**
     * One keyset page: rows after ({@code previous}: before) the boundary row in {@code sort} order,
     * {@code rows} at most, always returned in {@code sort} order.
     */
    public List<Record> page(String organizationId, RecordQuery query, RecordSort sort, @Nullable RecordCursor boundary,
                             int rows) {
        boolean previous = boundary != null && boundary.previous();
        // walking backwards reads in the opposite order, then flips the rows
        boolean ascending = sort.ascending() != previous;
        Where where = where(organizationId, query);
        if (boundary != null) {
            Object value = sort.by().isTime() ? boundary.instant() : boundary.value();
            where.and("(" + sort.by().column + ", id) " + (ascending ? ">" : "<") + " (?, ?)", value, boundary.id());
        }
        String order = ascending ? " ASC" : " DESC";
        List<Record> found = sql.list("SELECT " + COLUMNS + " FROM records" + where.sql() + " ORDER BY "
                + sort.by().column + order + ", id" + order + " LIMIT ?", Record.class, where.paramsThen(rows));
        if (previous) {
            List<Record> flipped = new ArrayList<>(found);
            java.util.Collections.reverse(flipped);
            return flipped;
        }
        return found;
    }

    /** Streams every matching record in {@code sort} order (call inside a read transaction). */
    public long forEach(String organizationId, RecordQuery query, RecordSort sort, RecordRowConsumer each) {
        Where where = where(organizationId, query);
        String order = sort.ascending() ? " ASC" : " DESC";
        return sql.forEach("SELECT id, type, name, metadata::text AS metadata, created_at, updated_at FROM records"
                        + where.sql() + " ORDER BY " + sort.by().column + order + ", id" + order, 1000,
                row -> each.accept(row.string("id"), row.string("type"), row.string("name"), row.string("metadata"),
                        row.instant("created_at"), row.instant("updated_at")), where.params());
    }

    /**
     * Every leaf key path in the matching records' metadata, nested objects flattened with dots,
     * at most {@code max}. An empty object or any non-object value is a leaf.
     */
    public List<String> metadataPaths(String organizationId, RecordQuery query, int max) {
        Where where = where(organizationId, query);
        return sql.list("""
                WITH RECURSIVE matching AS (SELECT metadata FROM records""" + where.sql() + """
                ), paths(path, value) AS (
                    SELECT e.key, e.value FROM matching m, jsonb_each(m.metadata) e
                    UNION ALL
                    SELECT p.path || '.' || e.key, e.value FROM paths p, jsonb_each(p.value) e
                    WHERE jsonb_typeof(p.value) = 'object')
                SELECT DISTINCT path FROM paths
                WHERE jsonb_typeof(value) <> 'object' OR value = '{}'::jsonb
                ORDER BY path LIMIT ?""", row -> row.string("path"), where.paramsThen(max));
    }

    /**
     * The most frequent values of a metadata path among the first {@code scan} matching records,
     * each as JSON text with its count; missing keys and JSON null are left out.
     */
    public List<ValueCount> fieldValues(String organizationId, RecordQuery query, String[] path, int limit, int scan) {
        Where where = where(organizationId, query);
        where.and("(metadata #> ?::text[]) IS NOT NULL AND (metadata #> ?::text[]) <> 'null'::jsonb", path, path);
        return sql.list("SELECT v::text AS value, count(*) AS n FROM (SELECT metadata #> ?::text[] AS v FROM records"
                        + where.sql() + " LIMIT ?) scanned GROUP BY v ORDER BY n DESC, v::text LIMIT ?",
                row -> new ValueCount(row.string("value"), row.longValue("n")),
                prepend(path, where.paramsThen(scan, limit)));
    }

    /** The newest {@code limit} matching records. */
    public List<Record> newest(String organizationId, RecordQuery query, int limit) {
        return page(organizationId, query, RecordSort.NEWEST_FIRST, null, limit);
    }

    /**
     * Deletes the organization's records among {@code ids} (one statement).
     *
     * @return (id, type) of each deleted record
     */
    public List<Deleted> deleteIds(String organizationId, String[] ids) {
        return sql.list("DELETE FROM records WHERE organization_id = ? AND id = ANY(?::text[]) RETURNING id, type",
                Deleted::of, organizationId, ids);
    }

    /** Deletes up to {@code chunk} matching records (one statement); call again until fewer come back. */
    public List<Deleted> deleteMatching(String organizationId, RecordQuery query, int chunk) {
        Where where = where(organizationId, query);
        return sql.list("DELETE FROM records WHERE organization_id = ? AND id IN (SELECT id FROM records" + where.sql()
                        + " LIMIT ?) RETURNING id, type", Deleted::of,
                prepend(organizationId, where.paramsThen(chunk)));
    }

    /**
     * Applies a metadata patch to the organization's records among {@code ids} (one statement).
     *
     * @param mergeExpression SQL over {@code metadata} and one {@code ?::jsonb} (the patch); from
     *                        {@link BulkEdit.MergeStrategy}, never user text
     */
    public List<Record> editIds(String organizationId, String[] ids, String mergeExpression, JsonColumns.Json patch,
                                Instant now) {
        return sql.list("UPDATE records SET metadata = " + mergeExpression + ", updated_at = ?"
                        + " WHERE organization_id = ? AND id = ANY(?::text[]) RETURNING " + COLUMNS, Record.class,
                patch, now, organizationId, ids);
    }

    /** Applies a metadata patch to up to {@code chunk} matching records with ids after {@code afterId}, in id order. */
    public List<Record> editMatching(String organizationId, RecordQuery query, @Nullable String afterId, int chunk,
                                     String mergeExpression, JsonColumns.Json patch, Instant now) {
        Where where = where(organizationId, query).andIfPresent("id > ?", afterId);
        List<Object> params = new ArrayList<>(List.of(patch, now, organizationId));
        params.addAll(List.of(where.paramsThen(chunk)));
        return sql.list("UPDATE records SET metadata = " + mergeExpression + ", updated_at = ?"
                        + " WHERE organization_id = ? AND id IN (SELECT id FROM records" + where.sql()
                        + " ORDER BY id LIMIT ?) RETURNING " + COLUMNS, Record.class, params.toArray());
    }

    /** Records of a type in id order after {@code afterId} (exclusive); served by (organization_id, type, id). */
    public List<Record> listByTypeAfter(String organizationId, String type, @Nullable String afterId, int limit) {
        return listAfter(organizationId, type, RecordFilter.none(type), afterId, limit);
    }

    /**
     * Keyset page in id order of the records of a type (null: any type) matching a chip filter —
     * the batch fan-out's read; the filter compiles to bound parameters like the list endpoint's.
     */
    public List<Record> listAfter(String organizationId, @Nullable String type, RecordFilter filter,
                                  @Nullable String afterId, int limit) {
        Where where = Where.of("organization_id = ?", organizationId).andIfPresent("type = ?", type)
                .andIfPresent("id > ?", afterId);
        filters.compile(filter).applyTo(where);
        return sql.list("SELECT " + COLUMNS + " FROM records" + where.sql() + " ORDER BY id LIMIT ?", Record.class,
                where.paramsThen(limit));
    }

    /**
     * The WHERE of a query. With a search or filter it also makes the transaction plan each statement
     * for its actual values: a cached generic plan cannot tell a filter matching 20 % of a type (walk
     * the created_at index) from one matching six rows (GIN index, then sort), and measured at 300,000
     * rows the wrong one cost 400 ms instead of 1 ms.
     */
    private Where where(String organizationId, RecordQuery query) {
        if (!query.isCountable()) {
            sql.update("SET LOCAL plan_cache_mode = force_custom_plan");
        }
        Where where = Where.of("organization_id = ?", organizationId).andIfPresent("type = ?", query.type());
        if (query.search() != null) {
            where.and("name ILIKE ?", "%" + RecordFilterCompiler.likeEscape(query.search()) + "%");
        }
        return filters.compile(query.filter()).applyTo(where);
    }

    private static Object[] prepend(Object first, Object[] rest) {
        Object[] all = new Object[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** A metadata value (JSON text) and how many records hold it. */
    public record ValueCount(String json, long count) {
    }

    /** A deleted record's id and type. */
    public record Deleted(String id, String type) {
        static Deleted of(Row row) throws SQLException {
            return new Deleted(row.string("id"), row.string("type"));
        }
    }

    /** One streamed record row; {@code metadata} is JSON text. */
    @FunctionalInterface
    public interface RecordRowConsumer {
        void accept(String id, String type, String name, String metadata, Instant createdAt, Instant updatedAt)
                throws SQLException;
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

    /**
     * The newest record of the type matching the condition (and the name, when given). The condition
     * compiles through the same {@link RecordFilterCompiler} as the list's chip filter.
     */
    public Optional<Record> findFirstMatching(String organizationId, @Nullable String type, @Nullable String name,
                                              @Nullable dev.runloom.records.filter.RecordFilter condition) {
        Where where = Where.of("organization_id = ?", organizationId).andIfPresent("type = ?", type)
                .andIfPresent("name = ?", name);
        where = filters.compile(condition == null ? dev.runloom.records.filter.RecordFilter.none(type) : condition).applyTo(where);
        return sql.list("SELECT " + COLUMNS + " FROM records" + where.sql() + " ORDER BY created_at DESC, id DESC LIMIT 1",
                Record.class, where.params()).stream().findFirst();
    }

    public void updateMetadata(String organizationId, String id, Map<String, Object> metadata, Instant at,
                               dev.runloom.common.jdbc.JsonColumns json) {
        sql.update("UPDATE records SET metadata = CAST(? AS jsonb), updated_at = ? WHERE organization_id = ? AND id = ?",
                json.param(metadata), at, organizationId, id);
    }
}
