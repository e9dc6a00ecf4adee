package dev.runloom.agents.tools;

import dev.runloom.agents.loop.ToolContext;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.outbound.GuardedHttpClient;
import dev.runloom.outbound.OutboundHttpException;
import dev.runloom.outbound.OutboundRefusedException;
import dev.runloom.outbound.OutboundRequest;
import dev.runloom.outbound.OutboundResponse;
import jakarta.inject.Singleton;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code fetch-url}: GETs a URL the model chose through {@code outbound-http}'s
 * {@link GuardedHttpClient} — the same SSRF guard as flows' HTTP steps (internal, loopback, link-local
 * and metadata addresses refused unless allow-listed in {@code runloom.outbound-http.allowed-hosts},
 * every redirect hop checked, size cap, timeouts). A refusal or failure is a tool error the model
 * reads; the loop goes on. The output is the status, the final URL, the content type and the body
 * text, cut to {@value #MAX_BODY_CHARS} characters.
 */
@Singleton
public class FetchUrlTool implements BuiltInTool {
    public static final String NAME = "fetch-url";
    static final int MAX_BODY_CHARS = 20_000;
    static final int MAX_URL_LENGTH = 8_000;

    private final GuardedHttpClient client;

    public FetchUrlTool(GuardedHttpClient client) {
        this.client = client;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Fetch a public http(s) URL and return its status, content type and body text";
    }

    @Override
    public Map<String, Object> parameters() {
        return Map.of("type", "object",
                "properties", Map.of("url", Map.of("type", "string", "description", "the absolute http(s) URL")),
                "required", List.of("url"));
    }

    @Override
    public Object run(Tenant tenant, Map<String, Object> arguments, ToolContext context) {
        if (!(arguments.get("url") instanceof String url) || url.isBlank()) {
            throw new ToolFailure("url is required and must be a non-empty string");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new ToolFailure("url is longer than " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new ToolFailure("url is not a valid URL");
        }
        OutboundResponse response;
        try {
            response = client.send(OutboundRequest.get(uri));
        } catch (OutboundRefusedException e) {
            throw new ToolFailure("refused: " + e.getMessage());
        } catch (OutboundHttpException e) {
            throw new ToolFailure(e.getMessage());
        }
        String body = response.bodyText();
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("status", response.status());
        output.put("url", response.uri().toString());
        output.put("contentType", response.header("content-type").orElse(null));
        output.put("body", body.length() > MAX_BODY_CHARS ? body.substring(0, MAX_BODY_CHARS) : body);
        output.put("truncated", body.length() > MAX_BODY_CHARS);
        return output;
    }
}
