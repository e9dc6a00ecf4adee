package dev.runloom.schedules.runs;

import io.micronaut.serde.annotation.Serdeable;

import java.util.List;

/** {@code { data: ScheduleRun[] }}: this endpoint has no pagination object (reference S13). */
@Serdeable
public record ScheduleRunList(List<ScheduleRunResponse> data) {
}
