package dev.runloom.gateway.auth;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a presented API key to the stored key it hashes to. Lookups (hits and misses alike) are
 * cached for a short while so a busy client costs no query per request; a revocation made on another
 * gateway replica therefore takes effect within that time (one made here, at once).
 */
@Singleton
public class ApiKeyService {
    /** Beyond this many cached lookups the cache is dropped whole: cheap bound against floods of junk keys. */
    private static final int MAX_CACHED = 10_000;

    private final ApiKeyRepository repository;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyService(ApiKeyRepository repository,
                         @Value("${runloom.gateway.api-key-cache-ttl:30s}") Duration ttl) {
        this.repository = repository;
        this.ttl = ttl;
    }

    /** The active (not revoked) key the presented value belongs to, if any. */
    public Optional<ApiKey> authenticate(String presentedKey) {
        String hash = ApiKeys.hash(presentedKey);
        Instant now = Instant.now();
        Cached cached = cache.get(hash);
        if (cached == null || cached.expiresAt().isBefore(now)) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cached = new Cached(repository.findByHash(hash), now.plus(ttl));
            cache.put(hash, cached);
        }
        return cached.key().filter(key -> !key.revoked());
    }

    /** Mints a new key for an organization; the plain key is returned here and never again. */
    public CreatedApiKey create(String organizationId, String userId, String name, List<String> scopes) {
        String key = ApiKeys.generate();
        return new CreatedApiKey(key, register(key, organizationId, userId, name, scopes));
    }

    /** Stores a key given in full (configuration, the local launcher); idempotent by the key's hash. */
    public ApiKey register(String key, String organizationId, String userId, String name, List<String> scopes) {
        String hash = ApiKeys.hash(key);
        ApiKey stored = repository.upsert(hash, ApiKeys.displayPrefix(key), organizationId, userId, name,
                scopes.isEmpty() ? List.of("*") : scopes);
        cache.remove(hash);
        return stored;
    }

    public boolean revoke(String id) {
        boolean revoked = repository.revoke(id);
        // the cache is keyed by hash, which we do not keep in memory per id: drop it whole, it refills cheaply
        cache.clear();
        return revoked;
    }

    public record CreatedApiKey(String key, ApiKey apiKey) {
    }

    private record Cached(Optional<ApiKey> key, Instant expiresAt) {
    }
}
