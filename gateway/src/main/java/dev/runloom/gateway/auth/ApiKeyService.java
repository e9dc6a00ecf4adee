package dev.runloom.gateway.auth;

import dev.runloom.common.id.Ids;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves a presented API key to the stored key it hashes to. Lookups (hits and misses alike) are
 * cached for a short while so a busy client costs no query per request; a revocation made on another
 * gateway replica therefore takes effect within that time (one made here, at once: the cache forgets
 * a changed key right after the change commits).
 */
@Singleton
public class ApiKeyService {
    /** Beyond this many cached lookups the cache is dropped whole: cheap bound against floods of junk keys. */
    private static final int MAX_CACHED = 10_000;

    private final ApiKeyRepository repository;
    private final ApplicationEventPublisher<KeysChanged> changes;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public ApiKeyService(ApiKeyRepository repository, ApplicationEventPublisher<KeysChanged> changes,
                         @Value("${runloom.gateway.api-key-cache-ttl:30s}") Duration ttl) {
        this.repository = repository;
        this.changes = changes;
        this.ttl = ttl;
    }

    /**
     * The active (not revoked) key the presented value belongs to, if any. Deliberately not
     * {@code @Transactional}: a cache hit — the common case — must not take a connection or run a
     * statement; a miss is one SELECT by the unique hash, which the repository runs on a connection
     * of its own. Called on the blocking executor (see {@link ApiKeyAuthFilter}).
     */
    public Optional<ApiKey> authenticate(String presentedKey) {
        String hash = ApiKeys.hash(presentedKey);
        Instant now = Instant.now();
        Cached cached = cache.get(hash);
        if (cached == null || cached.expiresAt().isBefore(now)) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cached = new Cached(repository.findByKeyHash(hash), now.plus(ttl));
            cache.put(hash, cached);
        }
        return cached.key().filter(key -> !key.revoked());
    }

    /** Mints a new key for an organization; the plain key is returned here and never again. */
    @Transactional
    public CreatedApiKey create(String organizationId, String userId, String name, List<String> scopes) {
        String key = ApiKeys.generate();
        return new CreatedApiKey(key, register(key, organizationId, userId, name, scopes));
    }

    /**
     * Stores a key given in full (configuration, the local launcher); idempotent by the key's hash.
     * Returns the stored row, which keeps its id, creation time and revocation across registrations.
     */
    @Transactional
    public ApiKey register(String key, String organizationId, String userId, String name, List<String> scopes) {
        String hash = ApiKeys.hash(key);
        repository.upsert(Ids.newId("key"), organizationId, userId, name, ApiKeys.displayPrefix(key), hash,
                (scopes.isEmpty() ? List.of("*") : scopes).toArray(String[]::new),
                Instant.now().truncatedTo(ChronoUnit.MILLIS));
        ApiKey stored = repository.findByKeyHash(hash)
                .orElseThrow(() -> new IllegalStateException("api key " + ApiKeys.displayPrefix(key) + "… vanished"));
        changes.publishEvent(new KeysChanged(hash));
        return stored;
    }

    /** Revokes a key by id (the first revocation time wins); false when there is no such key. */
    @Transactional
    public boolean revoke(String id) {
        // the cache is keyed by hash, which we do not keep in memory per id: drop it whole, it refills cheaply
        changes.publishEvent(new KeysChanged(null));
        return repository.revoke(id) == 1;
    }

    /**
     * Forgets cached lookups once a change has committed: evicted any earlier, a concurrent lookup
     * could still read the old row and cache it for the whole TTL.
     */
    @TransactionalEventListener(TransactionalEventListener.TransactionPhase.AFTER_COMMIT)
    void forget(KeysChanged change) {
        if (change.keyHash() == null) {
            cache.clear();
        } else {
            cache.remove(change.keyHash());
        }
    }

    public record CreatedApiKey(String key, ApiKey apiKey) {
    }

    /** A key was stored or revoked: the hash whose lookup is stale, or null for "any of them". */
    record KeysChanged(@Nullable String keyHash) {
    }

    private record Cached(Optional<ApiKey> key, Instant expiresAt) {
    }
}
