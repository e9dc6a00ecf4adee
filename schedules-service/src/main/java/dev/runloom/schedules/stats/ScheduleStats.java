package dev.runloom.schedules.stats;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * {@code GET /v1/schedules/:id/stats} (reference S14, a guess): runs that ran (skipped fires are not
 * counted), successes ({@code completed}), failures ({@code failed} and {@code partial}),
 * {@code successRate} as a percentage (0–100, two decimals) of the finished runs, the mean duration
 * of finished runs; both null before any run finished.
 */
@Serdeable
public record ScheduleStats(long totalRuns,
                            long successfulRuns,
                            long failedRuns,
                            @Nullable Double successRate,
                            @Nullable Long avgDurationMs,
                            @Nullable Instant lastRunAt,
                            @Nullable Instant nextRunAt) {
}
