package dev.runloom.gateway.auth;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.DataType;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The {@code api_keys} table, looked up by key hash (unique) or, during a rotation's overlap, by the previous hash. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ApiKeyRepository extends GenericRepository<ApiKey, String> {

    Optional<ApiKey> findByKeyHash(String keyHash);

    long countByKeyHash(String keyHash);

    /** The key a presented hash belongs to: its current hash, or the one it had before a regeneration. */
    @Query("SELECT * FROM api_keys WHERE key_hash = :hash OR previous_key_hash = :hash LIMIT 1")
    Optional<ApiKey> findByCurrentOrPreviousHash(String hash);

    @Query("SELECT * FROM api_keys WHERE id = :id AND organization_id = :organizationId")
    Optional<ApiKey> findInOrganization(String id, String organizationId);

    @Query("SELECT * FROM api_keys WHERE organization_id = :organizationId ORDER BY created_at DESC, id DESC LIMIT 1000")
    List<ApiKey> listInOrganization(String organizationId);

    /**
     * Inserts the key, or — when a key with this hash exists — brings its owner, name and scopes in
     * line with the caller's. Never touches {@code id}, {@code created_at} or {@code revoked_at}: a
     * revoked key stays revoked even if it is still configured. ON CONFLICT makes it one atomic step,
     * so two gateways starting at once with the same configuration store the key once.
     */
    @Query("""
            INSERT INTO api_keys (id, organization_id, user_id, name, key_prefix, key_hash, scopes, created_at,
                                  environment, expires_at)
            VALUES (:id, :organizationId, :userId, :name, :keyPrefix, :keyHash, CAST(:scopes AS text[]), :createdAt,
                    :environment, :expiresAt)
            ON CONFLICT (key_hash) DO UPDATE SET organization_id = EXCLUDED.organization_id,
                user_id = EXCLUDED.user_id, name = EXCLUDED.name, scopes = EXCLUDED.scopes""")
    void upsert(String id, String organizationId, String userId, String name, String keyPrefix, String keyHash,
                @TypeDef(type = DataType.STRING_ARRAY) String[] scopes, Instant createdAt, String environment,
                @Nullable Instant expiresAt);

    /** Marks the key revoked (the first revocation time wins); returns 0 when there is no such key. */
    @Query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = :id")
    int revoke(String id);

    @Query("""
            UPDATE api_keys SET name = :name, scopes = CAST(:scopes AS text[]), expires_at = :expiresAt
            WHERE id = :id AND organization_id = :organizationId AND revoked_at IS NULL""")
    int update(String id, String organizationId, String name, @TypeDef(type = DataType.STRING_ARRAY) String[] scopes,
               @Nullable Instant expiresAt);

    /** The key gets a new hash; the old one stays valid until {@code previousExpiresAt}. */
    @Query("""
            UPDATE api_keys SET previous_key_hash = key_hash, previous_key_expires_at = :previousExpiresAt,
                key_hash = :keyHash, key_prefix = :keyPrefix
            WHERE id = :id AND organization_id = :organizationId AND revoked_at IS NULL""")
    int rotate(String id, String organizationId, String keyHash, String keyPrefix, Instant previousExpiresAt);

    /** Records a use, at most once a minute per key whatever the number of gateways: one cheap UPDATE or none. */
    @Query("""
            UPDATE api_keys SET last_used_at = :now
            WHERE id = :id AND (last_used_at IS NULL OR last_used_at < CAST(:now AS timestamptz) - INTERVAL '60 seconds')""")
    int touch(String id, Instant now);
}
