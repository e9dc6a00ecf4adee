package dev.runloom.schedules.schedule;

import io.micronaut.core.annotation.Nullable;

import java.util.List;

/**
 * One keyset page of schedules, newest first: {@code hasMore} says whether rows follow the last one,
 * {@code total} is present only when a count was asked for.
 */
public record ScheduleSlice(List<Schedule> schedules, boolean hasMore, @Nullable Long total) {
}
