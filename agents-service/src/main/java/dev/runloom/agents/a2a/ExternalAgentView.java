package dev.runloom.agents.a2a;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.Map;

/**
 * {@code externalConfig} as the API shows it: what the caller configured (the credentials of
 * {@code auth} never shown back, only that they are set), plus, read-only, the cached
 * {@code agentCard}, the URL it was read from and when.
 */
@Serdeable
public record ExternalAgentView(@Nullable String agentCardUrl, @Nullable String a2aWellKnownUrl,
                                @Nullable Integer refreshIntervalMinutes, @Nullable String endpoint,
                                @Nullable String protocol, @Nullable String framework, @Nullable AuthView auth,
                                @Nullable Map<String, Object> agentCard, @Nullable String agentCardFetchedFrom,
                                @Nullable Instant agentCardFetchedAt) {

    @Serdeable
    public record AuthView(@Nullable String type, boolean credentialsSet) {
    }

    static ExternalAgentView of(ExternalAgentConfig row) {
        ExternalConfig c = row.externalConfig();
        AuthView auth = c.auth() == null ? null
                : new AuthView(c.auth().type(), c.auth().credentials() != null && !c.auth().credentials().isBlank());
        return new ExternalAgentView(c.agentCardUrl(), c.a2aWellKnownUrl(), c.refreshIntervalMinutes(), c.endpoint(),
                c.protocol(), c.framework(), auth, row.agentCard(), row.agentCardUrl(), row.agentCardFetchedAt());
    }
}
