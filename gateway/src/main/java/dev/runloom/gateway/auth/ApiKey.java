package dev.runloom.gateway.auth;

import io.micronaut.core.annotation.Nullable;

import java.time.Instant;
import java.util.Set;

/** A stored API key (never the key itself): who it acts for and what it may do. */
public record ApiKey(String id,
                     String organizationId,
                     String userId,
                     String name,
                     String keyPrefix,
                     Set<String> scopes,
                     Instant createdAt,
                     @Nullable Instant revokedAt) {

    public boolean revoked() {
        return revokedAt != null;
    }
}
