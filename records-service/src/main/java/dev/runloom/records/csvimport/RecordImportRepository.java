package dev.runloom.records.csvimport;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.records.record.Record;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import org.postgresql.PGConnection;

import java.sql.SQLException;
import java.util.List;

/**
 * A CSV import's SQL, on the connection of the import's one transaction: the rows go into a
 * temporary staging table with {@code COPY} (PostgreSQL's fastest way in), are de-duplicated by
 * name, then merged into {@code records} with one {@code INSERT ... ON CONFLICT DO UPDATE} that also
 * appends their events ({@link #MERGE}, {@link #MERGED_RECORD_EVENTS}). The
 * staging tables are dropped at commit or rollback, so a failed import leaves nothing behind.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class RecordImportRepository implements GenericRepository<Record, String> {
    /**
     * The merge, as the body of a {@code WITH} clause for {@code Outbox.appendSelected}: creates the
     * records whose (organization, type, name) is new, replaces the metadata of the others, and
     * hands each merged record to {@link #MERGED_RECORD_EVENTS}. Names must be unique in the staging
     * table by then ({@link #dropSupersededRows}). Parameters: organization id, user id, type,
     * createdAt, updatedAt.
     */
    static final String MERGE = """
            merged AS (
                INSERT INTO records AS r (id, organization_id, user_id, type, name, metadata, created_at, updated_at)
                SELECT record_id, ?, ?, ?, name, metadata, ?, ? FROM import_rows
                ON CONFLICT (organization_id, type, name)
                    DO UPDATE SET metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at
                RETURNING r.id, r.name, r.user_id, r.metadata, r.created_at, (r.xmax = 0) AS created)""";

    /**
     * One event per merged record: RecordCreatedV1 for a new record, RecordUpdatedV1 (the same
     * fields plus {@code updatedAt}) for one whose name existed. Timestamps are written as
     * {@code Instant} serializes them (UTC, milliseconds, {@code Z}). Event ids are minted here
     * ({@code evt_} + a random UUID's hex): the merge's rows never travel to Java. Parameters:
     * created type, updated type, organization id (×2), record type, updatedAt text.
     */
    static final String MERGED_RECORD_EVENTS = """
            SELECT 'evt_' || replace(gen_random_uuid()::text, '-', '') AS id,
                   CASE WHEN m.created THEN ? ELSE ? END AS type,
                   m.id AS key, m.id AS subject, ?::text AS organization_id,
                   jsonb_build_object('recordId', m.id, 'organizationId', ?::text, 'userId', m.user_id,
                                      'type', ?::text, 'name', m.name, 'metadata', m.metadata,
                                      'createdAt', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                   || CASE WHEN m.created THEN '{}'::jsonb ELSE jsonb_build_object('updatedAt', ?::text) END AS payload
            FROM merged m""";

    private final JdbcOperations jdbc;
    private final Sql sql;

    protected RecordImportRepository(JdbcOperations jdbc, Sql sql) {
        this.jdbc = jdbc;
        this.sql = sql;
    }

    /** Creates the staging table and starts the COPY into it; nothing else may use the connection until it ends. */
    StagingCopy openStaging() {
        // the duplicate-name check hashes every name: in memory, not in spilled batches
        sql.update("SET LOCAL work_mem = '256MB'");
        sql.update("""
                CREATE TEMPORARY TABLE import_rows (
                    row_no    BIGINT NOT NULL,
                    record_id TEXT   NOT NULL,
                    name      TEXT   NOT NULL,
                    metadata  JSONB  NOT NULL
                ) ON COMMIT DROP""");
        try {
            PGConnection connection = jdbc.getConnection().unwrap(PGConnection.class);
            return new StagingCopy(connection.getCopyAPI()
                    .copyIn("COPY import_rows (row_no, record_id, name, metadata) FROM STDIN"));
        } catch (SQLException e) {
            throw new StagingCopy.StagingException(e);
        }
    }

    /** Row numbers whose name appears again later in the file, and their count: the last row of a name wins. */
    record Superseded(List<Long> rows, long total) {
    }

    /**
     * Serializes the merges into one (organization, type) until this transaction ends: two imports
     * that share names in different orders would otherwise each wait for a row the other inserted
     * (a deadlock PostgreSQL ends by failing one of them). Imports of other types run side by side.
     */
    void lockType(String organizationId, String type) {
        sql.first("SELECT pg_advisory_xact_lock(hashtextextended(? || '/' || ?, 0)) IS NULL AS locked",
                row -> true, organizationId, type);
    }

    /**
     * Removes the rows whose name comes again later in the file (the last row of a name wins) and
     * returns the first {@code cap} of their row numbers with their count. The common case — no
     * name twice — costs one hash aggregate over the names.
     */
    Superseded dropSupersededRows(int cap) {
        if (sql.first("SELECT name FROM import_rows GROUP BY name HAVING count(*) > 1 LIMIT 1", row -> true).isEmpty()) {
            return new Superseded(List.of(), 0);
        }
        sql.update("ANALYZE import_rows"); // a temp table has no statistics until asked: plan the self-join on real ones
        List<long[]> rows = sql.list("""
                WITH superseded AS (
                    DELETE FROM import_rows a USING import_rows b
                    WHERE a.name = b.name AND a.row_no < b.row_no
                    RETURNING a.row_no)
                SELECT row_no, count(*) OVER () AS total FROM superseded ORDER BY row_no LIMIT ?""",
                row -> new long[]{row.longValue("row_no"), row.longValue("total")}, cap);
        return new Superseded(rows.stream().map(r -> r[0]).toList(), rows.isEmpty() ? 0 : rows.get(0)[1]);
    }
}
