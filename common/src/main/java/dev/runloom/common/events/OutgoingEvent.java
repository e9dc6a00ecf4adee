package dev.runloom.common.events;

import io.micronaut.core.annotation.Nullable;

/**
 * An event a service wants published: the stream (base topic name, see {@link Topics}), the key
 * whose order matters, the CloudEvents type and subject, the tenant, and a versioned payload record.
 */
public record OutgoingEvent(String topic, String key, String type, String subject,
                            @Nullable String organizationId, Object payload) {
}
