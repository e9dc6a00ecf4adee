package dev.runloom.gateway.idempotency;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.scheduling.annotation.Scheduled;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The rules of {@code Idempotency-Key}: the first request with a key executes; a retry with the same
 * key and the same request gets the first answer; the same key with another request is refused
 * (422); a retry while the first is still running is refused (409, retryable). Keys live 24 hours.
 */
@Singleton
public class IdempotencyService {
    public static final Duration RETENTION = Duration.ofHours(24);
    /** Longer than the gateway's upstream read timeout (300 s): a claim this old belongs to a request that died. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyService.class);

    private final IdempotencyRepository repository;

    public IdempotencyService(IdempotencyRepository repository) {
        this.repository = repository;
    }

    public sealed interface Outcome permits Execute, Replay, InProgress, Mismatch {
    }

    /** This request owns the key: execute it, then {@link #complete} or {@link #release}. */
    public record Execute() implements Outcome {
    }

    public record Replay(int status, @Nullable String contentType, byte[] body) implements Outcome {
    }

    public record InProgress() implements Outcome {
    }

    public record Mismatch() implements Outcome {
    }

    @Transactional
    public Outcome begin(String organizationId, String key, String fingerprint, String method, String path) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        if (repository.claim(organizationId, key, fingerprint, method, path, now, now.plus(RETENTION),
                now.minus(ABANDONED_AFTER)) == 1) {
            return new Execute();
        }
        IdempotencyRecord existing = repository.find(organizationId, key).orElse(null);
        if (existing == null) {
            return new InProgress(); // vanished between the two statements (released): the client retries
        }
        if (!existing.fingerprint().equals(fingerprint)) {
            return new Mismatch();
        }
        if (!existing.completed()) {
            return new InProgress();
        }
        return new Replay(existing.responseStatus(), existing.responseContentType(),
                existing.responseBody() == null ? new byte[0] : existing.responseBody());
    }

    @Transactional
    public void complete(String organizationId, String key, String fingerprint, int status, @Nullable String contentType,
                         byte[] body) {
        repository.complete(organizationId, key, fingerprint, status, contentType, body);
    }

    @Transactional
    public void release(String organizationId, String key, String fingerprint) {
        repository.release(organizationId, key, fingerprint);
    }

    @Scheduled(fixedDelay = "1h", initialDelay = "5m")
    @Transactional
    void forgetExpired() {
        try {
            repository.deleteExpired(Instant.now());
        } catch (RuntimeException e) {
            LOG.warn("could not delete expired idempotency keys: {}", e.toString());
        }
    }
}
