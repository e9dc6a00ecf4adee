package dev.runloom.outbound;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A request to a URL somebody else chose (a flow step's, an agent tool's): method, absolute URL, headers, body. */
public record OutboundRequest(String method, URI uri, Map<String, String> headers, byte[] body) {

    public OutboundRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(uri, "uri");
        headers = headers == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(headers));
    }

    public static OutboundRequest get(URI uri) {
        return new OutboundRequest("GET", uri, Map.of(), null);
    }

    OutboundRequest redirectedTo(String newMethod, URI target, boolean sameOrigin, boolean keepBody) {
        Map<String, String> kept = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            // credentials go only where the step author sent them, never to wherever a redirect points
            if (sameOrigin || !(name.equalsIgnoreCase("authorization") || name.equalsIgnoreCase("cookie")
                    || name.equalsIgnoreCase("proxy-authorization"))) {
                if (keepBody || !(name.equalsIgnoreCase("content-type") || name.equalsIgnoreCase("content-length"))) {
                    kept.put(name, value);
                }
            }
        });
        return new OutboundRequest(newMethod, target, kept, keepBody ? body : null);
    }
}
