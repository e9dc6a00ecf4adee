package dev.runloom.schedules.references;

import dev.runloom.common.jdbc.Sql;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;

/** Inserts bare schedule rows for tests that need schedules without asking a flows-service. */
@Singleton
class ScheduleRowsForTest {
    private final Sql sql;

    ScheduleRowsForTest(Sql sql) {
        this.sql = sql;
    }

    @Transactional
    void insert(String id, String organizationId, String name, String flowId, Instant createdAt, boolean enabled) {
        sql.update("""
                INSERT INTO schedules (id, organization_id, name, flow_id, trigger_type, cron, timezone, enabled,
                                       created_at, updated_at)
                VALUES (?, ?, ?, ?, 'cron', '0 8 * * *', 'UTC', ?, ?, ?)""",
                id, organizationId, name, flowId, enabled, createdAt, createdAt);
    }
}
