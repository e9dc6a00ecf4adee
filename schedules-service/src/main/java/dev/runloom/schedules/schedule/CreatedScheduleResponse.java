package dev.runloom.schedules.schedule;

import io.micronaut.serde.annotation.Serdeable;

/** {@code POST /v1/schedules} answer (reference S2): {@code { id, status: "created" }}. */
@Serdeable
public record CreatedScheduleResponse(String id, String status) {

    public static CreatedScheduleResponse of(Schedule schedule) {
        return new CreatedScheduleResponse(schedule.id(), "created");
    }
}
