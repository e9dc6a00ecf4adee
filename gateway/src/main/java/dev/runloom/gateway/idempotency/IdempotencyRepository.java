package dev.runloom.gateway.idempotency;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.Optional;

@JdbcRepository(dialect = Dialect.POSTGRES)
public interface IdempotencyRepository extends GenericRepository<IdempotencyRecord, String> {

    /**
     * Claims the key for a request about to execute: inserts it 'in_progress', or takes over a row
     * that has expired or whose request was abandoned (in progress since {@code abandonedBefore}).
     * One statement, so of two concurrent requests with one key exactly one claims it. Returns 1
     * when claimed, 0 when a live row holds the key.
     */
    @Query("""
            INSERT INTO idempotency_keys AS k (organization_id, idempotency_key, fingerprint, method, path, state,
                                              created_at, expires_at)
            VALUES (:organizationId, :key, :fingerprint, :method, :path, 'in_progress', :now, :expiresAt)
            ON CONFLICT (organization_id, idempotency_key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint,
                method = EXCLUDED.method, path = EXCLUDED.path, state = 'in_progress', response_status = NULL,
                response_content_type = NULL, response_body = NULL, created_at = EXCLUDED.created_at,
                expires_at = EXCLUDED.expires_at
            WHERE k.expires_at <= :now OR (k.state = 'in_progress' AND k.created_at < :abandonedBefore)""")
    int claim(String organizationId, String key, String fingerprint, String method, String path, Instant now,
              Instant expiresAt, Instant abandonedBefore);

    @Query("SELECT * FROM idempotency_keys WHERE organization_id = :organizationId AND idempotency_key = :key")
    Optional<IdempotencyRecord> find(String organizationId, String key);

    @Query("""
            UPDATE idempotency_keys SET state = 'completed', response_status = :status,
                response_content_type = :contentType, response_body = :body
            WHERE organization_id = :organizationId AND idempotency_key = :key AND fingerprint = :fingerprint
              AND state = 'in_progress'""")
    int complete(String organizationId, String key, String fingerprint, int status, @Nullable String contentType,
                 byte[] body);

    /** Forgets a claim whose answer is not to be replayed (5xx, 429, a stream), so a retry runs again. */
    @Query("""
            DELETE FROM idempotency_keys WHERE organization_id = :organizationId AND idempotency_key = :key
              AND fingerprint = :fingerprint AND state = 'in_progress'""")
    int release(String organizationId, String key, String fingerprint);

    @Query("DELETE FROM idempotency_keys WHERE expires_at <= :now")
    int deleteExpired(Instant now);
}
