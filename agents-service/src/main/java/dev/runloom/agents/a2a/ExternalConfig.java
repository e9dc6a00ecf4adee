package dev.runloom.agents.a2a;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/**
 * {@code externalConfig} of an {@code external} agent (reference §2.10) as a caller gives it and as it
 * is stored: where its A2A agent card is ({@code agentCardUrl}, or {@code a2aWellKnownUrl}, a base URL
 * whose {@code /.well-known/agent-card.json} is read), the JSON-RPC {@code endpoint} (the card's
 * {@code url} when absent), {@code protocol} (absent or {@code a2a}: A2A JSON-RPC), {@code framework}
 * (informational) and {@code auth} ({@code {type: "bearer", credentials}}, sent as
 * {@code Authorization: Bearer …}; never shown back).
 */
@Serdeable
public record ExternalConfig(@Nullable @Size(max = 2048) String agentCardUrl,
                             @Nullable @Size(max = 2048) String a2aWellKnownUrl,
                             @Nullable @Min(1) @Max(525_600) Integer refreshIntervalMinutes,
                             @Nullable @Size(max = 2048) String endpoint,
                             @Nullable @Size(max = 50) String protocol,
                             @Nullable @Size(max = 100) String framework,
                             @Nullable @Valid Auth auth) {

    /** How the remote agent is authenticated: only {@code bearer} is supported. */
    @Serdeable
    public record Auth(@Nullable @Size(max = 50) String type, @Nullable @Size(max = 4096) String credentials) {
    }

    /** Where the card is read from: {@code agentCardUrl}, else {@code a2aWellKnownUrl}, else null. */
    public @Nullable String cardLocation() {
        return agentCardUrl != null && !agentCardUrl.isBlank() ? agentCardUrl.trim()
                : a2aWellKnownUrl != null && !a2aWellKnownUrl.isBlank() ? a2aWellKnownUrl.trim() : null;
    }

    /** The same config with every field {@code patch} gives replacing this one's (A6 partial update). */
    public ExternalConfig patchedWith(ExternalConfig patch) {
        return new ExternalConfig(
                patch.agentCardUrl != null ? patch.agentCardUrl : agentCardUrl,
                patch.a2aWellKnownUrl != null ? patch.a2aWellKnownUrl : a2aWellKnownUrl,
                patch.refreshIntervalMinutes != null ? patch.refreshIntervalMinutes : refreshIntervalMinutes,
                patch.endpoint != null ? patch.endpoint : endpoint,
                patch.protocol != null ? patch.protocol : protocol,
                patch.framework != null ? patch.framework : framework,
                patch.auth != null ? patch.auth : auth);
    }
}
