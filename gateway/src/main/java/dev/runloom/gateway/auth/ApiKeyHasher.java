package dev.runloom.gateway.auth;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;

/**
 * Hashes presented keys with the server's key-hashing secret ({@code runloom.gateway.api-key-secret},
 * env {@code RUNLOOM_API_KEY_SECRET}). Without one configured, a secret is derived from the internal
 * secret (HMAC of a fixed label), so a deployment works with one secret; giving a separate one lets
 * the internal secret rotate without invalidating every API key.
 */
@Singleton
public class ApiKeyHasher {
    private final byte[] secret;

    public ApiKeyHasher(@Value("${runloom.gateway.api-key-secret:}") String configured,
                        @Value("${runloom.internal.secret}") String internalSecret) {
        this.secret = configured != null && !configured.isBlank()
                ? configured.getBytes(StandardCharsets.UTF_8)
                : ApiKeys.hash(internalSecret.getBytes(StandardCharsets.UTF_8), "runloom api-key hashing v1")
                        .getBytes(StandardCharsets.UTF_8);
        if (this.secret.length < 32) {
            throw new IllegalStateException("runloom.gateway.api-key-secret must be at least 32 bytes");
        }
    }

    public String hash(String key) {
        return ApiKeys.hash(secret, key);
    }
}
