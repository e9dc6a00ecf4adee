package dev.runloom.flows.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;

/**
 * {@link FlowEvents#CUSTOM_EVENT}: topic runloom.flows.custom-events.v1, key = organization id. What a
 * flow's {@code send-event} step published: the author's {@code eventType} (also the CloudEvents
 * subject) and {@code data} (any JSON value). {@code idempotencyKey} (execution id + step id) is the
 * same when a retried execution sends the step's event again: consumers deduplicate by it.
 */
@Serdeable
public record CustomEventV1(String eventType, String organizationId, String flowId, String executionId, String stepId,
                            String recordId, String idempotencyKey, @Nullable Object data, Instant sentAt) {
}
