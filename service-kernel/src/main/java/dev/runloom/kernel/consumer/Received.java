package dev.runloom.kernel.consumer;

import dev.runloom.events.EventType;
import io.micronaut.core.annotation.Nullable;

/**
 * An event delivered to a handler: its CloudEvents id (the dedup key), its contract, subject,
 * tenant and Kafka key, and its payload read as the contract's record.
 */
public record Received<T>(String id, EventType<T> type, @Nullable String subject, @Nullable String organizationId,
                          @Nullable String key, T payload) {
}
