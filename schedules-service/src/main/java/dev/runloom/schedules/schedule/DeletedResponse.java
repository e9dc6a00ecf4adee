package dev.runloom.schedules.schedule;

import io.micronaut.serde.annotation.Serdeable;

/** {@code DELETE /v1/schedules/:id} answer (reference S9): {@code { success: true }}. */
@Serdeable
public record DeletedResponse(boolean success) {
}
