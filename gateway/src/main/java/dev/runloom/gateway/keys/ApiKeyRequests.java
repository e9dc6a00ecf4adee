package dev.runloom.gateway.keys;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.auth.Scopes;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The bodies of the key resource's writes, and their checks (each failure names its field). */
public final class ApiKeyRequests {
    static final int MAX_NAME = 200;
    static final Duration MAX_LIFETIME = Duration.ofDays(3660);
    static final Duration DEFAULT_OVERLAP = Duration.ofHours(1);
    static final Duration MAX_OVERLAP = Duration.ofDays(7);

    private ApiKeyRequests() {
    }

    @Serdeable
    public record Create(@Nullable String name, @Nullable List<String> scopes, @Nullable String environment,
                         @Nullable Instant expiresAt) {
    }

    @Serdeable
    public record Update(@Nullable String name, @Nullable List<String> scopes, @Nullable Instant expiresAt) {
    }

    @Serdeable
    public record Regenerate(@Nullable Long overlapSeconds) {
    }

    static String name(@Nullable String name, boolean required) {
        if (name == null) {
            if (required) {
                throw ProblemException.validation("name: is required");
            }
            return null;
        }
        String trimmed = name.trim();
        if (trimmed.isEmpty() || trimmed.length() > MAX_NAME) {
            throw ProblemException.validation("name: must be 1 to " + MAX_NAME + " characters");
        }
        return trimmed;
    }

    /**
     * Canonical scopes, each a known one and each held by the caller: a key cannot mint a key more
     * powerful than itself.
     */
    static Set<String> scopes(@Nullable List<String> requested, Tenant caller) {
        List<String> wanted = requested == null ? List.of(Scopes.ALL) : requested;
        if (wanted.isEmpty()) {
            throw ProblemException.validation("scopes: must name at least one scope (\"*\" for all)");
        }
        Set<String> canonical = new LinkedHashSet<>();
        for (int i = 0; i < wanted.size(); i++) {
            String scope = Scopes.canonical(wanted.get(i));
            if (scope == null) {
                throw ProblemException.validation("scopes[" + i + "]: unknown scope; one of " + Scopes.KNOWN.stream().sorted().toList());
            }
            if (!Scopes.grants(caller.scopes(), scope)) {
                throw new ProblemException(dev.runloom.common.problem.Problem.of(403, "Forbidden", "insufficient_scope",
                        "scopes[" + i + "]: your key does not hold " + scope + ", so it cannot grant it", false));
            }
            canonical.add(scope);
        }
        return canonical;
    }

    static String environment(@Nullable String environment) {
        if (environment == null) {
            return "live";
        }
        if (!environment.equals("live") && !environment.equals("test")) {
            throw ProblemException.validation("environment: must be \"live\" or \"test\"");
        }
        return environment;
    }

    static Instant expiresAt(@Nullable Instant expiresAt) {
        if (expiresAt == null) {
            return null;
        }
        Instant now = Instant.now();
        if (!expiresAt.isAfter(now) || expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
            throw ProblemException.validation("expiresAt: must be in the future and within 10 years");
        }
        return expiresAt;
    }

    static Duration overlap(@Nullable Regenerate body) {
        if (body == null || body.overlapSeconds() == null) {
            return DEFAULT_OVERLAP;
        }
        long seconds = body.overlapSeconds();
        if (seconds < 0 || seconds > MAX_OVERLAP.toSeconds()) {
            throw ProblemException.validation("overlapSeconds: must be 0 to " + MAX_OVERLAP.toSeconds());
        }
        return Duration.ofSeconds(seconds);
    }
}
