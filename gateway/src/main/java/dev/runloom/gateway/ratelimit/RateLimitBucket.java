package dev.runloom.gateway.ratelimit;

import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** One shared token bucket (table {@code rate_limit_buckets}); written only through {@link RateLimitRepository}. */
@MappedEntity("rate_limit_buckets")
public record RateLimitBucket(@Id String bucketKey, double tokens, Instant refilledAt, boolean allowed) {
}
