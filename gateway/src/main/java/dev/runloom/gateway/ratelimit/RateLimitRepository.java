package dev.runloom.gateway.ratelimit;

import io.micronaut.data.annotation.Query;
import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;

/** The shared token buckets ({@code rate_limit_buckets}). */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface RateLimitRepository extends GenericRepository<RateLimitBucket, String> {

    /**
     * Refills the bucket for the time since its last take (at {@code perSecond}, up to
     * {@code capacity}) and takes one token if there is one — atomically, in one statement, so any
     * number of gateways share the budget. A new bucket starts full. Returns the tokens left when
     * the take succeeded (≥ 0), or {@code -1 - available} when it did not (so always &lt; 0).
     */
    @Query("""
            INSERT INTO rate_limit_buckets AS b (bucket_key, tokens, refilled_at, allowed)
            VALUES (:key, :capacity - 1, now(), true)
            ON CONFLICT (bucket_key) DO UPDATE SET
                tokens = CASE WHEN LEAST(:capacity, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.refilled_at)) * :perSecond) >= 1
                              THEN LEAST(:capacity, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.refilled_at)) * :perSecond) - 1
                              ELSE LEAST(:capacity, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.refilled_at)) * :perSecond) END,
                allowed = LEAST(:capacity, b.tokens + GREATEST(0, EXTRACT(EPOCH FROM now() - b.refilled_at)) * :perSecond) >= 1,
                refilled_at = GREATEST(b.refilled_at, now())
            RETURNING CASE WHEN allowed THEN tokens ELSE -1 - tokens END""")
    double take(String key, double capacity, double perSecond);

    /**
     * Lets the current transaction commit without waiting for its WAL to reach the disk. For the
     * buckets only: they are updated by every request, on the same few hot rows, whose locks are held
     * until the commit — waiting for the disk serialised all concurrent requests of a key at one
     * fsync each. A crash can at worst forget the last moments' takes (a few more requests let
     * through), never corrupt anything.
     */
    @Query("SELECT set_config('synchronous_commit', 'off', true)")
    String commitWithoutWaitingForDisk();

    /** Buckets untouched this long are full again anyway: forgetting them changes nothing. */
    @Query("DELETE FROM rate_limit_buckets WHERE refilled_at < :before")
    int deleteIdleSince(Instant before);
}
