package dev.runloom.outbound;

import java.net.URI;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A response read in full (at most the configured size): status, the URL that answered it (after
 * redirects), headers by lower-case name, and the body bytes.
 */
public record OutboundResponse(int status, URI uri, Map<String, List<String>> headers, byte[] body) {

    public Optional<String> header(String name) {
        List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }

    /** The body decoded with the charset the Content-Type names, UTF-8 otherwise. */
    public String bodyText() {
        Charset charset = StandardCharsets.UTF_8;
        String type = header("content-type").orElse("");
        for (String part : type.split(";")) {
            String p = part.trim();
            if (p.regionMatches(true, 0, "charset=", 0, 8)) {
                try {
                    charset = Charset.forName(p.substring(8).replace("\"", "").trim());
                } catch (RuntimeException e) {
                    // an unknown charset: read as UTF-8 rather than fail the call
                }
            }
        }
        return new String(body, charset);
    }

    public boolean successful() {
        return status >= 200 && status < 300;
    }
}
