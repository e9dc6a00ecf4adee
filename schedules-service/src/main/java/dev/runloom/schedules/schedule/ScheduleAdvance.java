package dev.runloom.schedules.schedule;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;

/**
 * What a fire does to its schedule: the next fire time (null: never again), whether it stays
 * enabled (one-time schedules switch off), and {@code lastRunAt} (null: unchanged, for a skipped fire).
 */
public record ScheduleAdvance(String scheduleId, @Nullable Instant nextRunAt, boolean enabled,
                              @Nullable Instant lastRunAt) {
}
