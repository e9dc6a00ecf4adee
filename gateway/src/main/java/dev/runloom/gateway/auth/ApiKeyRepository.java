package dev.runloom.gateway.auth;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.DataType;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;

/** The {@code api_keys} table, looked up by key hash (unique). */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface ApiKeyRepository extends GenericRepository<ApiKey, String> {

    Optional<ApiKey> findByKeyHash(String keyHash);

    long countByKeyHash(String keyHash);

    /**
     * Inserts the key, or — when a key with this hash exists — brings its owner, name and scopes in
     * line with the caller's. Never touches {@code id}, {@code created_at} or {@code revoked_at}: a
     * revoked key stays revoked even if it is still configured. ON CONFLICT makes it one atomic step,
     * so two gateways starting at once with the same configuration store the key once.
     */
    @Query("""
            INSERT INTO api_keys (id, organization_id, user_id, name, key_prefix, key_hash, scopes, created_at)
            VALUES (:id, :organizationId, :userId, :name, :keyPrefix, :keyHash, CAST(:scopes AS text[]), :createdAt)
            ON CONFLICT (key_hash) DO UPDATE SET organization_id = EXCLUDED.organization_id,
                user_id = EXCLUDED.user_id, name = EXCLUDED.name, scopes = EXCLUDED.scopes""")
    void upsert(String id, String organizationId, String userId, String name, String keyPrefix, String keyHash,
                @TypeDef(type = DataType.STRING_ARRAY) String[] scopes, Instant createdAt);

    /** Marks the key revoked (the first revocation time wins); returns 0 when there is no such key. */
    @Query("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = :id")
    int revoke(String id);
}
