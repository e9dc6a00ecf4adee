package dev.runloom.schedules.stats;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/schedules/sparklines} (reference S6, a guess): per schedule, one entry per UTC
 * day of the range, oldest first, zero-filled — {@code success} counts {@code completed} runs,
 * {@code failed} counts {@code failed} and {@code partial} ones, by the day the run was fired.
 */
@Serdeable
public record Sparklines(Map<String, List<Day>> data) {

    @Serdeable
    public record Day(String date, long success, long failed) {
    }
}
