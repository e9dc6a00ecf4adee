package dev.runloom.agents.a2a;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.outbound.GuardedHttpClient;
import dev.runloom.outbound.OutboundHttpException;
import dev.runloom.outbound.OutboundRefusedException;
import dev.runloom.outbound.OutboundRequest;
import dev.runloom.outbound.OutboundResponse;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * Reads an A2A agent card from a URL a user gave, through the SSRF-guarded {@link GuardedHttpClient}
 * (every address and redirect hop checked). A URL with a path is the card itself; a bare origin
 * ({@code https://agent.example.com} or {@code …/}) is looked up at the A2A well-known path
 * {@code /.well-known/agent-card.json} (A2A 0.3), then at the older {@code /.well-known/agent.json}.
 * A refused or malformed URL is a 400 problem ({@code url_refused}, {@code invalid_url}); anything
 * the remote side gets wrong — no connection, a timeout, a non-2xx answer, an answer too large, not
 * a JSON object, no {@code name} — a 502 ({@code agent_card_unavailable}, {@code agent_card_invalid}).
 * Never called inside a transaction.
 */
@Singleton
public class AgentCardFetcher {
    static final String WELL_KNOWN = "/.well-known/agent-card.json";
    static final String WELL_KNOWN_LEGACY = "/.well-known/agent.json";

    private final GuardedHttpClient http;
    private final JsonMapper json;
    private final Duration timeout;
    private final long maxCardBytes;

    public AgentCardFetcher(GuardedHttpClient http, JsonMapper json,
                            @Value("${runloom.agents.a2a.card-timeout:10s}") Duration timeout,
                            @Value("${runloom.agents.a2a.max-card-bytes:262144}") long maxCardBytes) {
        this.http = http;
        this.json = json;
        this.timeout = timeout;
        this.maxCardBytes = maxCardBytes;
    }

    /** A card as read: the JSON object, the URL that answered (after redirects) and when. */
    public record FetchedCard(Map<String, Object> card, String url, Instant fetchedAt) {
        @SuppressWarnings("unchecked")
        public List<Map<String, Object>> skills() {
            return card.get("skills") instanceof List<?> list
                    ? list.stream().filter(Map.class::isInstance).map(s -> (Map<String, Object>) s).toList()
                    : List.of();
        }

        /** The card's JSON-RPC endpoint ({@code url}), or null. */
        public @Nullable String endpoint() {
            return card.get("url") instanceof String url && !url.isBlank() ? url.trim() : null;
        }
    }

    /** Fetches and checks the card at {@code url} ({@code field} names the input in a 400). */
    public FetchedCard fetch(String url, String field) {
        URI uri = parse(url, field);
        List<URI> candidates = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/")
                ? List.of(uri.resolve(WELL_KNOWN), uri.resolve(WELL_KNOWN_LEGACY))
                : List.of(uri);
        for (int i = 0; i < candidates.size(); i++) {
            URI candidate = candidates.get(i);
            OutboundResponse response = get(candidate, field);
            if (response.status() == 404 && i + 1 < candidates.size()) {
                continue; // the newer well-known name is missing: try the older one
            }
            if (!response.successful()) {
                throw unavailable("The agent card at " + describe(candidate) + " answered HTTP " + response.status());
            }
            return new FetchedCard(card(response, candidate), response.uri().toString(),
                    Instant.now().truncatedTo(ChronoUnit.MILLIS));
        }
        throw new IllegalStateException("no candidate URL"); // unreachable: the last candidate returns or throws
    }

    /** A user-given URL, parsed and shape-checked (http/https, a host, no user info), else a 400 naming {@code field}. */
    public static URI parse(String url, String field) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw ProblemException.badRequest("invalid_url", field + " is not a valid URL");
        }
        if (!uri.isAbsolute()) {
            throw ProblemException.badRequest("invalid_url", field + " must be an absolute http or https URL");
        }
        try {
            GuardedHttpClient.checkUrlShape(uri);
        } catch (OutboundRefusedException e) {
            throw ProblemException.badRequest("invalid_url", field + ": " + e.getMessage());
        }
        return uri;
    }

    private OutboundResponse get(URI uri, String field) {
        try {
            return http.send(new OutboundRequest("GET", uri, Map.of("Accept", "application/json"), null), timeout);
        } catch (OutboundRefusedException e) {
            throw ProblemException.badRequest("url_refused", field + " is not allowed: " + e.getMessage());
        } catch (OutboundHttpException e) {
            throw unavailable("The agent card could not be fetched: " + e.getMessage());
        }
    }

    private Map<String, Object> card(OutboundResponse response, URI uri) {
        if (response.body().length > maxCardBytes) {
            throw invalid("The agent card at " + describe(uri) + " is larger than " + maxCardBytes + " bytes");
        }
        Object parsed;
        try {
            parsed = json.readValue(response.body(), Argument.OBJECT_ARGUMENT);
        } catch (IOException | RuntimeException e) {
            throw invalid("The agent card at " + describe(uri) + " is not valid JSON");
        }
        if (!(parsed instanceof Map<?, ?> object)) {
            throw invalid("The agent card at " + describe(uri) + " is not a JSON object");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> card = (Map<String, Object>) object;
        if (!(card.get("name") instanceof String name) || name.isBlank()) {
            throw invalid("The document at " + describe(uri) + " is not an A2A agent card (it has no name)");
        }
        if (card.containsKey("skills") && !(card.get("skills") instanceof List<?>)) {
            throw invalid("The agent card at " + describe(uri) + " has skills that are not a list");
        }
        return card;
    }

    static ProblemException unavailable(String detail) {
        return new ProblemException(Problem.of(502, "Bad Gateway", "agent_card_unavailable", detail, true));
    }

    static ProblemException invalid(String detail) {
        return new ProblemException(Problem.of(502, "Bad Gateway", "agent_card_invalid", detail, false));
    }

    /** The URL without its query (which may carry secrets), for messages. */
    static String describe(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() == -1 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
