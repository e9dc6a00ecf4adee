package dev.runloom.kernel.consumer;

import io.micronaut.core.annotation.Nullable;

/** A received CloudEvent before its payload is read: what the inbox needs to claim and route it. */
record IncomingEvent(String id, String type, @Nullable String subject, @Nullable String organizationId,
                     @Nullable String traceparent, String topic, @Nullable String key, byte[] data) {
}
