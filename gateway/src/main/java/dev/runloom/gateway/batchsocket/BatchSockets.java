package dev.runloom.gateway.batchsocket;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;

import java.util.regex.Pattern;

/** Which requests are the batch progress WebSocket ({@code GET /v1/batch/:id/ws}), served by the gateway itself. */
public final class BatchSockets {
    /** The subprotocol the socket speaks; a client that offers subprotocols must offer this one. */
    public static final String PROTOCOL = "runloom.v1";
    private static final Pattern PATH = Pattern.compile("/v1/batch/[^/]+/ws");

    private BatchSockets() {
    }

    public static boolean isSocketPath(String rawPath) {
        return PATH.matcher(rawPath).matches();
    }

    public static boolean isUpgrade(HttpRequest<?> request) {
        return "websocket".equalsIgnoreCase(request.getHeaders().get(HttpHeaders.UPGRADE));
    }

    /** The batch id of a socket path. */
    static String batchId(String rawPath) {
        String rest = rawPath.substring("/v1/batch/".length());
        return rest.substring(0, rest.indexOf('/'));
    }
}
