package dev.runloom.schedules.schedule;

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
 * The {@code schedules} table. Reads filter by organization, except the scheduler's claim, which
 * serves every organization. Runs on the caller's transaction.
 */
@JdbcRepository(dialect = Dialect.POSTGRES)
public abstract class ScheduleRepository implements GenericRepository<Schedule, String> {
    /*
     * One statement for a whole claim: each column travels as one text array and unnest() zips them
     * back into rows, so advancing 500 schedules is one round trip and one statement, not 500.
     */
    private static final String ADVANCE = """
            UPDATE schedules s SET next_run_at = a.next_run_at::timestamptz, enabled = a.enabled::boolean,
                                   last_run_at = COALESCE(a.last_run_at::timestamptz, s.last_run_at)
            FROM unnest(?::text[], ?::text[], ?::text[], ?::text[]) AS a(id, next_run_at, enabled, last_run_at)
            WHERE s.id = a.id""";

    private final Sql sql;

    protected ScheduleRepository(Sql sql) {
        this.sql = sql;
    }

    public abstract Schedule save(Schedule schedule);

    public abstract Schedule update(Schedule schedule);

    public abstract Optional<Schedule> findByOrganizationIdAndId(String organizationId, String id);

    public abstract boolean existsByOrganizationIdAndId(String organizationId, String id);

    /** Its runs and their results go with it (ON DELETE CASCADE). Returns the rows deleted (0 or 1). */
    public abstract int deleteByOrganizationIdAndId(String organizationId, String id);

    /**
     * Like {@link #findByOrganizationIdAndId}, and holds the row until commit ({@code FOR UPDATE}) so a
     * manual fire, an edit and the scheduler take turns.
     */
    public abstract Optional<Schedule> findByOrganizationIdAndIdForUpdate(String organizationId, String id);

    /**
     * The scheduler's claim: due, enabled schedules of every organization, oldest fire time first,
     * locked until commit. SKIP LOCKED lets any number of scheduler replicas run this at once: a
     * schedule another replica is firing is passed over, and once that replica commits, the
     * schedule's next_run_at is in the future, so no one claims the same fire time again.
     */
    @Query("""
            SELECT * FROM schedules WHERE enabled AND next_run_at <= :now
            ORDER BY next_run_at LIMIT :batchSize FOR UPDATE SKIP LOCKED""")
    public abstract List<Schedule> claimDue(Instant now, int batchSize);

    /** Applies the outcome of fires in one statement. */
    public void advance(List<ScheduleAdvance> advances) {
        if (advances.isEmpty()) {
            return;
        }
        int n = advances.size();
        String[] ids = new String[n];
        String[] nextRunAt = new String[n];
        String[] enabled = new String[n];
        String[] lastRunAt = new String[n];
        for (int i = 0; i < n; i++) {
            ScheduleAdvance a = advances.get(i);
            ids[i] = a.scheduleId();
            nextRunAt[i] = a.nextRunAt() == null ? null : a.nextRunAt().toString();
            enabled[i] = Boolean.toString(a.enabled());
            lastRunAt[i] = a.lastRunAt() == null ? null : a.lastRunAt().toString();
        }
        sql.update(ADVANCE, ids, nextRunAt, enabled, lastRunAt);
    }

    /** The list filters of {@code GET /v1/schedules}; null for "any". */
    public record ListFilter(@Nullable Boolean enabled, @Nullable String flowId, @Nullable String agentId) {
    }

    /** Newest first, strictly after the keyset position (afterAt, afterId) when given. */
    public List<Schedule> listNewestFirst(String organizationId, ListFilter filter, @Nullable Instant afterAt,
                                          @Nullable String afterId, int limit) {
        Where where = where(organizationId, filter).andKeysetBefore("created_at", "id", afterAt, afterId);
        return sql.list("SELECT * FROM schedules" + where.sql() + " ORDER BY created_at DESC, id DESC LIMIT ?",
                Schedule.class, where.paramsThen(limit));
    }

    public long count(String organizationId, ListFilter filter) {
        Where where = where(organizationId, filter);
        return sql.count("SELECT count(*) FROM schedules" + where.sql(), where.params());
    }

    /** Ids of the organization's schedules, oldest first; only those among {@code ids} when given. */
    public List<String> ids(String organizationId, @Nullable List<String> ids) {
        Where where = Where.of("organization_id = ?", organizationId)
                .andIfPresent("id = ANY (?)", ids == null ? null : ids.toArray(String[]::new));
        return sql.list("SELECT id FROM schedules" + where.sql() + " ORDER BY created_at, id", row -> row.string("id"),
                where.params());
    }

    private static Where where(String organizationId, ListFilter filter) {
        return Where.of("organization_id = ?", organizationId)
                .andIfPresent("enabled = ?", filter.enabled())
                .andIfPresent("flow_id = ?", filter.flowId())
                .andIfPresent("agent_id = ?", filter.agentId());
    }
}
