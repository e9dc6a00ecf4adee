package dev.runloom.gateway.ratelimit;

import io.micronaut.context.annotation.Value;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Rate limits that hold across gateway replicas: token buckets in the gateway's PostgreSQL, one per
 * API key, one per organization and — stricter — one per client address for failed
 * authentication. A limit of N per minute is a bucket of N tokens refilled at N/60 per second (so
 * bursts up to N, then N per minute). A limit ≤ 0 is off. If the database cannot be asked, the
 * request is let through (limits protect the platform; they must not take it down).
 */
@Singleton
public class RateLimits {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimits.class);

    private final RateLimitRepository buckets;
    private final TransactionOperations<Connection> transactions;
    private final int perKey;
    private final int perOrganization;
    private final int failedAuthPerAddress;
    /** Addresses known to be out of failed-auth budget, until when: refused without a lookup or query. */
    private final Map<String, Instant> blockedAddresses = new ConcurrentHashMap<>();

    public RateLimits(RateLimitRepository buckets, TransactionOperations<Connection> transactions,
                      @Value("${runloom.gateway.rate-limit.per-key-per-minute:600}") int perKey,
                      @Value("${runloom.gateway.rate-limit.per-organization-per-minute:3000}") int perOrganization,
                      @Value("${runloom.gateway.rate-limit.failed-auth-per-address-per-minute:20}") int failedAuthPerAddress) {
        this.buckets = buckets;
        this.transactions = transactions;
        this.perKey = perKey;
        this.perOrganization = perOrganization;
        this.failedAuthPerAddress = failedAuthPerAddress;
    }

    /** A decision, with what the IETF RateLimit headers report. */
    public record Decision(boolean allowed, String policy, int limit, int remaining, long retryAfterSeconds,
                           long resetSeconds) {
        public String policyHeader() {
            return "\"" + policy + "\";q=" + limit + ";w=60";
        }

        public String rateLimitHeader() {
            return "\"" + policy + "\";r=" + remaining + ";t=" + (allowed ? resetSeconds : retryAfterSeconds);
        }
    }

    /**
     * Takes a token from the key's bucket, then the organization's; the first that refuses decides.
     * Both in one transaction that does not wait for the disk ({@link RateLimitRepository#commitWithoutWaitingForDisk}).
     */
    public Decision request(String keyId, String organizationId) {
        try {
            return transactions.executeWrite(status -> {
                buckets.commitWithoutWaitingForDisk();
                Decision key = take("key:" + keyId, "per-key", perKey);
                if (!key.allowed()) {
                    return key;
                }
                Decision org = take("org:" + organizationId, "per-organization", perOrganization);
                return org.allowed() ? key : org;
            });
        } catch (RuntimeException e) {
            LOG.warn("rate limit buckets could not be read; letting the request through: {}", e.toString());
            return new Decision(true, "per-key", perKey, perKey, 0, 0);
        }
    }

    /** Whether the address is already known to be over its failed-auth budget (no query). */
    public Decision blockedForFailedAuth(String address) {
        Instant until = blockedAddresses.get(address);
        if (until == null) {
            return null;
        }
        long seconds = Duration.between(Instant.now(), until).toSeconds();
        if (seconds <= 0) {
            blockedAddresses.remove(address);
            return null;
        }
        return new Decision(false, "failed-auth", failedAuthPerAddress, 0, seconds, seconds);
    }

    /** Counts a failed authentication from the address; refuses once the address is over budget. */
    public Decision failedAuthentication(String address) {
        Decision decision = take("auth-failed:" + address, "failed-auth", failedAuthPerAddress);
        if (!decision.allowed()) {
            if (blockedAddresses.size() > 10_000) {
                blockedAddresses.clear();
            }
            blockedAddresses.put(address, Instant.now().plusSeconds(decision.retryAfterSeconds()));
        }
        return decision;
    }

    private Decision take(String bucket, String policy, int perMinute) {
        if (perMinute <= 0) {
            return new Decision(true, policy, 0, 0, 0, 0);
        }
        double perSecond = perMinute / 60.0;
        double result;
        try {
            result = buckets.take(bucket, perMinute, perSecond);
        } catch (RuntimeException e) {
            LOG.warn("rate limit bucket {} could not be read; letting the request through: {}", policy, e.toString());
            return new Decision(true, policy, perMinute, perMinute, 0, 0);
        }
        if (result >= 0) {
            int remaining = (int) Math.floor(result);
            return new Decision(true, policy, perMinute, remaining, 0, (long) Math.ceil((perMinute - result) / perSecond));
        }
        double available = -1 - result;
        long retryAfter = Math.max(1, (long) Math.ceil((1 - available) / perSecond));
        return new Decision(false, policy, perMinute, 0, retryAfter, retryAfter);
    }

    /** Idle buckets are full again: dropping them keeps the table small. */
    @Scheduled(fixedDelay = "10m", initialDelay = "1m")
    void forgetIdleBuckets() {
        try {
            buckets.deleteIdleSince(Instant.now().minus(Duration.ofMinutes(10)));
        } catch (RuntimeException e) {
            LOG.debug("could not prune rate limit buckets: {}", e.toString());
        }
    }
}
