package dev.runloom.gateway.keys;

import dev.runloom.gateway.auth.ApiKey;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.List;

/**
 * An API key as the API shows it: never the key itself, only its display prefix. {@code key} is
 * filled once — in the answer to create and regenerate — and null everywhere else.
 */
@Serdeable
public record ApiKeyResponse(String id,
                             String name,
                             String prefix,
                             List<String> scopes,
                             String environment,
                             Instant createdAt,
                             @Nullable Instant lastUsedAt,
                             @Nullable Instant expiresAt,
                             @Nullable Instant revokedAt,
                             @Nullable Instant previousKeyExpiresAt,
                             @Nullable String key) {

    public static ApiKeyResponse of(ApiKey key) {
        return of(key, null);
    }

    public static ApiKeyResponse of(ApiKey key, @Nullable String plainKey) {
        return new ApiKeyResponse(key.id(), key.name(), key.keyPrefix(), key.scopes().stream().sorted().toList(),
                key.environment(), key.createdAt(), key.lastUsedAt(), key.expiresAt(), key.revokedAt(),
                key.previousKeyExpiresAt() != null && key.previousKeyExpiresAt().isAfter(Instant.now())
                        ? key.previousKeyExpiresAt() : null,
                plainKey);
    }

    @Serdeable
    public record Page(List<ApiKeyResponse> data) {
    }
}
