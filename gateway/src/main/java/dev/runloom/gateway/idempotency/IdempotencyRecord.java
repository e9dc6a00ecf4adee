package dev.runloom.gateway.idempotency;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/**
 * One remembered {@code Idempotency-Key} (table {@code idempotency_keys}, keyed by organization and
 * key; {@code @Id} names the key column only for the mapper — the repository always filters by both).
 */
@MappedEntity("idempotency_keys")
public record IdempotencyRecord(String organizationId,
                                @Id String idempotencyKey,
                                String fingerprint,
                                String method,
                                String path,
                                String state,
                                @Nullable Integer responseStatus,
                                @Nullable String responseContentType,
                                @Nullable byte[] responseBody,
                                Instant createdAt,
                                Instant expiresAt) {

    public boolean completed() {
        return "completed".equals(state);
    }
}
