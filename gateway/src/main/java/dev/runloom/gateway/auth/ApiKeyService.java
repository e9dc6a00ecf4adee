package dev.runloom.gateway.auth;

import dev.runloom.common.id.Ids;
import dev.runloom.common.problem.ProblemException;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventPublisher;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.transaction.annotation.Transactional;
import io.micronaut.transaction.annotation.TransactionalEventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys: resolving a presented key to the stored key its hash belongs to, and the key resource's
 * use cases (create, list, update, revoke, regenerate). Lookups (hits and misses alike) are cached
 * for a short while so a busy client costs no query per request; a revocation made on another
 * gateway replica therefore takes effect within that time (one made here, at once: the cache
 * forgets a changed key right after the change commits).
 */
@Singleton
public class ApiKeyService {
    /** Beyond this many cached lookups the cache is dropped whole: cheap bound against floods of junk keys. */
    private static final int MAX_CACHED = 10_000;
    /** lastUsedAt is written at most this often per key and gateway (and the UPDATE itself skips fresher rows). */
    private static final Duration TOUCH_EVERY = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyService.class);

    private final ApiKeyRepository repository;
    private final ApiKeyHasher hasher;
    private final ApplicationEventPublisher<KeysChanged> changes;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastTouched = new ConcurrentHashMap<>();

    public ApiKeyService(ApiKeyRepository repository, ApiKeyHasher hasher, ApplicationEventPublisher<KeysChanged> changes,
                         @Value("${runloom.gateway.api-key-cache-ttl:30s}") Duration ttl) {
        this.repository = repository;
        this.hasher = hasher;
        this.changes = changes;
        this.ttl = ttl;
    }

    /**
     * The key the presented value belongs to, if it may be used now (not revoked, not expired; an
     * old key only within its rotation overlap). Deliberately not {@code @Transactional}: a cache
     * hit — the common case — must not take a connection or run a statement; a miss is one SELECT
     * by the unique hash. Malformed values are refused before any of that. Called on the blocking
     * executor (see {@link ApiKeyAuthFilter}).
     */
    public Optional<ApiKey> authenticate(String presentedKey) {
        if (!ApiKeys.looksLikeKey(presentedKey)) {
            return Optional.empty();
        }
        String hash = hasher.hash(presentedKey);
        Instant now = Instant.now();
        Cached cached = cache.get(hash);
        if (cached == null || cached.expiresAt().isBefore(now)) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cached = new Cached(repository.findByCurrentOrPreviousHash(hash), now.plus(ttl));
            cache.put(hash, cached);
        }
        Optional<ApiKey> key = cached.key().filter(k -> k.acceptsAt(hash, now));
        key.ifPresent(k -> touch(k, now));
        return key;
    }

    /**
     * Like {@link #authenticate} but from the cache alone, never the database: how a client address
     * that is over its failed-authentication budget is served (its known-good keys still work, its
     * guesses cost nothing).
     */
    public Optional<ApiKey> authenticateCached(String presentedKey) {
        if (!ApiKeys.looksLikeKey(presentedKey)) {
            return Optional.empty();
        }
        String hash = hasher.hash(presentedKey);
        Instant now = Instant.now();
        Cached cached = cache.get(hash);
        if (cached == null || cached.expiresAt().isBefore(now)) {
            return Optional.empty();
        }
        return cached.key().filter(k -> k.acceptsAt(hash, now));
    }

    /** Records the use cheaply: this gateway writes at most once a minute per key, and never fails the request. */
    private void touch(ApiKey key, Instant now) {
        Instant last = lastTouched.get(key.id());
        if (last != null && last.plus(TOUCH_EVERY).isAfter(now)) {
            return;
        }
        if (lastTouched.size() >= MAX_CACHED) {
            lastTouched.clear();
        }
        lastTouched.put(key.id(), now);
        try {
            repository.touch(key.id(), now.truncatedTo(ChronoUnit.MILLIS));
        } catch (RuntimeException e) {
            LOG.warn("could not record the use of API key {}: {}", key.id(), e.toString());
        }
    }

    /** Mints a new live key for an organization; the plain key is returned here and never again. */
    @Transactional
    public CreatedApiKey create(String organizationId, String userId, String name, List<String> scopes) {
        return create(organizationId, userId, name, scopes, "live", null);
    }

    /** Mints a new key; the plain key is returned here and never again. */
    @Transactional
    public CreatedApiKey create(String organizationId, String userId, String name, List<String> scopes,
                                String environment, @Nullable Instant expiresAt) {
        String key = ApiKeys.generate(environment);
        return new CreatedApiKey(key, register(key, organizationId, userId, name, scopes, expiresAt));
    }

    /**
     * Stores a key given in full (configuration, the local launcher); idempotent by the key's hash.
     * Returns the stored row, which keeps its id, creation time and revocation across registrations.
     */
    @Transactional
    public ApiKey register(String key, String organizationId, String userId, String name, List<String> scopes) {
        return register(key, organizationId, userId, name, scopes, null);
    }

    private ApiKey register(String key, String organizationId, String userId, String name, List<String> scopes,
                            @Nullable Instant expiresAt) {
        String hash = hasher.hash(key);
        repository.upsert(Ids.newId("key"), organizationId, userId, name, ApiKeys.displayPrefix(key), hash,
                (scopes.isEmpty() ? List.of("*") : scopes).toArray(String[]::new),
                Instant.now().truncatedTo(ChronoUnit.MILLIS), ApiKeys.environmentOf(key), expiresAt);
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

    @Transactional(readOnly = true)
    public List<ApiKey> list(String organizationId) {
        return repository.listInOrganization(organizationId);
    }

    /** The organization's key, or 404 — another organization's key is answered exactly like a missing one. */
    @Transactional(readOnly = true)
    public ApiKey get(String organizationId, String id) {
        return repository.findInOrganization(id, organizationId)
                .orElseThrow(() -> ProblemException.notFound("API key", id));
    }

    @Transactional
    public ApiKey update(String organizationId, String id, String name, Set<String> scopes, @Nullable Instant expiresAt) {
        ApiKey current = get(organizationId, id);
        if (current.revoked()) {
            throw ProblemException.conflict("api_key_revoked", "API key '" + id + "' is revoked and cannot be changed");
        }
        repository.update(id, organizationId, name, scopes.toArray(String[]::new), expiresAt);
        changes.publishEvent(new KeysChanged(null));
        return get(organizationId, id);
    }

    /** Revokes the organization's key; 404 when it has no such key. Revoking twice keeps the first time. */
    @Transactional
    public ApiKey delete(String organizationId, String id) {
        get(organizationId, id);
        revoke(id);
        return get(organizationId, id);
    }

    /**
     * Gives the key a new secret value (same id, name, scopes); the old value keeps working for
     * {@code overlap} so clients can switch without an outage (zero: it stops at once).
     */
    @Transactional
    public CreatedApiKey regenerate(String organizationId, String id, Duration overlap) {
        ApiKey current = get(organizationId, id);
        if (current.revoked()) {
            throw ProblemException.conflict("api_key_revoked", "API key '" + id + "' is revoked and cannot be regenerated");
        }
        String key = ApiKeys.generate(current.environment());
        repository.rotate(id, organizationId, hasher.hash(key), ApiKeys.displayPrefix(key),
                Instant.now().plus(overlap).truncatedTo(ChronoUnit.MILLIS));
        changes.publishEvent(new KeysChanged(null));
        return new CreatedApiKey(key, get(organizationId, id));
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
