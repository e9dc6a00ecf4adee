package dev.runloom.records.csvimport;

import dev.runloom.common.jdbc.Sql;
import dev.runloom.records.record.Record;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;
import org.postgresql.PGConnection;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * A CSV import's SQL, on the connection of the import's one transaction: the rows go into a
 * temporary staging table with {@code COPY} (PostgreSQL's fastest way in), are de-duplicated by
 * name, then merged into {@code records} with one {@code INSERT ... ON CONFLICT DO UPDATE}. The
 * staging tables are dropped at commit or rollback, so a failed import leaves nothing behind.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class RecordImportRepository implements GenericRepository<Record, String> {
    /**
     * One event per merged record for {@code Outbox.appendSelected}: RecordCreatedV1 for a new
     * record, RecordUpdatedV1 (the same fields plus {@code updatedAt}) for one whose name existed.
     * Timestamps are written as {@code Instant} serializes them (UTC, milliseconds, {@code Z}).
     * Parameters: created type, updated type, organization id (×2), record type, updatedAt text.
     */
    static final String MERGED_RECORD_EVENTS = """
            SELECT s.event_id AS id,
                   CASE WHEN m.created THEN ? ELSE ? END AS type,
                   m.id AS key, m.id AS subject, ?::text AS organization_id,
                   jsonb_build_object('recordId', m.id, 'organizationId', ?::text, 'userId', m.user_id,
                                      'type', ?::text, 'name', m.name, 'metadata', s.metadata,
                                      'createdAt', to_char(m.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
                   || CASE WHEN m.created THEN '{}'::jsonb ELSE jsonb_build_object('updatedAt', ?::text) END AS payload
            FROM import_merged m JOIN import_rows s ON s.name = m.name""";

    private final JdbcOperations jdbc;
    private final Sql sql;

    protected RecordImportRepository(JdbcOperations jdbc, Sql sql) {
        this.jdbc = jdbc;
        this.sql = sql;
    }

    /** Creates the staging table and starts the COPY into it; nothing else may use the connection until it ends. */
    StagingCopy openStaging() {
        sql.update("""
                CREATE TEMPORARY TABLE import_rows (
                    row_no    BIGINT NOT NULL,
                    record_id TEXT   NOT NULL,
                    event_id  TEXT   NOT NULL,
                    name      TEXT   NOT NULL,
                    metadata  JSONB  NOT NULL
                ) ON COMMIT DROP""");
        try {
            PGConnection connection = jdbc.getConnection().unwrap(PGConnection.class);
            return new StagingCopy(connection.getCopyAPI()
                    .copyIn("COPY import_rows (row_no, record_id, event_id, name, metadata) FROM STDIN"));
        } catch (SQLException e) {
            throw new StagingCopy.StagingException(e);
        }
    }

    /** Row numbers whose name appears again later in the file, and their count: the last row of a name wins. */
    record Superseded(List<Long> rows, long total) {
    }

    Superseded dropSupersededRows(int cap) {
        sql.update("ANALYZE import_rows"); // a temp table has no statistics until asked: plan the joins on real ones
        List<long[]> rows = sql.list("""
                WITH superseded AS (
                    DELETE FROM import_rows a USING import_rows b
                    WHERE a.name = b.name AND a.row_no < b.row_no
                    RETURNING a.row_no)
                SELECT row_no, count(*) OVER () AS total FROM superseded ORDER BY row_no LIMIT ?""",
                row -> new long[]{row.longValue("row_no"), row.longValue("total")}, cap);
        return new Superseded(rows.stream().map(r -> r[0]).toList(), rows.isEmpty() ? 0 : rows.get(0)[1]);
    }

    /** How many records the merge created and updated. */
    record Merged(long created, long updated) {
    }

    /**
     * Creates the records whose (organization, type, name) is new and replaces the metadata of the
     * others; remembers which was which in {@code import_merged} for the events.
     */
    Merged merge(String organizationId, String userId, String type, Instant now) {
        sql.update("""
                CREATE TEMPORARY TABLE import_merged (
                    id         TEXT        NOT NULL,
                    name       TEXT        NOT NULL,
                    user_id    TEXT,
                    created_at TIMESTAMPTZ NOT NULL,
                    created    BOOLEAN     NOT NULL
                ) ON COMMIT DROP""");
        sql.update("""
                WITH merged AS (
                    INSERT INTO records AS r (id, organization_id, user_id, type, name, metadata, created_at, updated_at)
                    SELECT record_id, ?, ?, ?, name, metadata, ?, ? FROM import_rows
                    ON CONFLICT (organization_id, type, name)
                        DO UPDATE SET metadata = EXCLUDED.metadata, updated_at = EXCLUDED.updated_at
                    RETURNING r.id, r.name, r.user_id, r.created_at, (r.xmax = 0) AS created)
                INSERT INTO import_merged (id, name, user_id, created_at, created) SELECT * FROM merged""",
                organizationId, userId, type, now, now);
        sql.update("ANALYZE import_merged");
        return sql.first("SELECT count(*) FILTER (WHERE created) AS created, count(*) FILTER (WHERE NOT created) AS updated"
                        + " FROM import_merged", row -> new Merged(row.longValue("created"), row.longValue("updated")))
                .orElse(new Merged(0, 0));
    }
}
