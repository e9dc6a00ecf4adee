package dev.runloom.schedules.schedule;

import dev.runloom.common.jdbc.Sql;
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
    private static final String ADVANCE = """
            UPDATE schedules SET next_run_at = ?, enabled = ?, last_run_at = COALESCE(?, last_run_at)
            WHERE id = ?""";

    private final Sql sql;

    protected ScheduleRepository(Sql sql) {
        this.sql = sql;
    }

    public abstract Schedule save(Schedule schedule);

    public abstract Optional<Schedule> findByOrganizationIdAndId(String organizationId, String id);

    public abstract boolean existsByOrganizationIdAndId(String organizationId, String id);

    /**
     * Like {@link #findByOrganizationIdAndId}, and holds the row until commit ({@code FOR UPDATE}) so a
     * manual fire and the scheduler take turns.
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

    /** Applies the outcome of fires in one JDBC batch. */
    public void advance(List<ScheduleAdvance> advances) {
        sql.batch(ADVANCE, advances, a -> new Object[]{a.nextRunAt(), a.enabled(), a.lastRunAt(), a.scheduleId()});
    }
}
