package dev.runloom.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.util.Set;

/**
 * A stored API key (table {@code api_keys}): who it acts for and what it may do. Never the key
 * itself — only its keyed hash ({@code keyHash}, what a request is looked up by) and its first
 * characters ({@code keyPrefix}, for display). After a regeneration the old key's hash stays valid
 * until {@code previousKeyExpiresAt}.
 */
@MappedEntity("api_keys")
public record ApiKey(@Id String id,
                     String organizationId,
                     String userId,
                     String name,
                     String keyPrefix,
                     String keyHash,
                     @TypeDef(type = DataType.STRING_ARRAY) Set<String> scopes,
                     Instant createdAt,
                     @Nullable Instant revokedAt,
                     String environment,
                     @Nullable Instant lastUsedAt,
                     @Nullable Instant expiresAt,
                     @Nullable String previousKeyHash,
                     @Nullable Instant previousKeyExpiresAt) {

    public boolean revoked() {
        return revokedAt != null;
    }

    /** Whether a request presenting the key that hashes to {@code hash} may use this key now. */
    public boolean acceptsAt(String hash, Instant now) {
        if (revoked() || expiresAt != null && !expiresAt.isAfter(now)) {
            return false;
        }
        return hash.equals(keyHash)
                || hash.equals(previousKeyHash) && previousKeyExpiresAt != null && previousKeyExpiresAt.isAfter(now);
    }
}
