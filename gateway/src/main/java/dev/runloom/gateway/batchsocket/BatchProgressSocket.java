package dev.runloom.gateway.batchsocket;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.auth.ApiKeyAuthFilter;
import io.micronaut.http.HttpRequest;
import io.micronaut.websocket.CloseReason;
import io.micronaut.websocket.WebSocketSession;
import io.micronaut.websocket.annotation.OnClose;
import io.micronaut.websocket.annotation.OnMessage;
import io.micronaut.websocket.annotation.OnOpen;
import io.micronaut.websocket.annotation.ServerWebSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code GET /v1/batch/:id/ws} (reference §3.6 B5): a batch's live progress as a WebSocket, served by
 * the gateway itself (a proxy cannot forward an upgrade). Authentication is the API key, as on every
 * route ({@link ApiKeyAuthFilter}; a browser offers it as the subprotocol {@code runloom.api-key.<key>}
 * beside {@value BatchSockets#PROTOCOL}), the scope FLOWS:READ, and {@link BatchSocketFilter} refuses
 * an unknown or another organization's batch with a 404 before the upgrade.
 *
 * <p>Once open, the socket reads flows-service's Server-Sent Events of the batch
 * ({@code GET /v1/batch/:id/events}, with the internal token) and sends each frame as one text message
 * {@code {"event":"progress"|"complete","id":"<seq>","data":<B2 status>}}; after the {@code complete}
 * frame it closes with 1000. If flows-service's stream breaks before that, it closes with 1011 (the
 * client may reconnect: the first frame it then gets is the current state). Messages from the client
 * are ignored. A closed socket closes the stream to flows-service.
 */
@ServerWebSocket(value = "/v1/batch/{id}/ws", subprotocols = BatchSockets.PROTOCOL)
public class BatchProgressSocket {
    private static final Logger LOG = LoggerFactory.getLogger(BatchProgressSocket.class);
    private static final String STREAM = "runloom.batch-socket.stream";
    private static final String READER = "runloom.batch-socket.reader";
    /** How long one message may take to reach a slow client before the socket is given up. */
    private static final long SEND_TIMEOUT_SECONDS = 30;

    private final FlowsBatchEvents flows;

    public BatchProgressSocket(FlowsBatchEvents flows) {
        this.flows = flows;
    }

    @OnOpen
    public void open(String id, WebSocketSession session, HttpRequest<?> request) {
        Optional<Tenant> tenant = request.getAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE, Tenant.class);
        if (tenant.isEmpty()) { // the filters always set it; fail closed should they not have run
            session.close(CloseReason.POLICY_VIOLATION);
            return;
        }
        String requestId = request.getAttribute(BatchSocketFilter.REQUEST_ID_ATTRIBUTE, String.class)
                .orElseGet(() -> UUID.randomUUID().toString());
        Thread reader = Thread.ofVirtual().name("batch-socket-" + id).unstarted(() -> relay(id, tenant.get(), session, requestId));
        session.put(READER, reader);
        reader.start();
    }

    @OnMessage
    public void message(String message, WebSocketSession session) {
        // nothing to say to the batch: progress flows one way
    }

    @OnClose
    public void close(WebSocketSession session) {
        session.get(STREAM, FlowsBatchEvents.EventStream.class).ifPresent(FlowsBatchEvents.EventStream::close);
        session.get(READER, Thread.class).ifPresent(Thread::interrupt);
    }

    private void relay(String batchId, Tenant tenant, WebSocketSession session, String requestId) {
        boolean completed;
        try (FlowsBatchEvents.EventStream stream = flows.open(tenant, batchId, requestId)) {
            session.put(STREAM, stream);
            if (!session.isOpen()) {
                return;
            }
            completed = stream.forEach(frame -> send(session, frame));
        } catch (Exception e) {
            if (session.isOpen()) {
                LOG.info("batch socket {} lost flows-service's event stream (request {}): {}", batchId, requestId, e.toString());
                session.close(new CloseReason(CloseReason.INTERNAL_ERROR.getCode(), "progress stream interrupted; reconnect"));
            }
            return;
        }
        if (session.isOpen()) {
            session.close(completed ? CloseReason.NORMAL
                    : new CloseReason(CloseReason.INTERNAL_ERROR.getCode(), "progress stream ended early; reconnect"));
        }
    }

    private static void send(WebSocketSession session, FlowsBatchEvents.Frame frame) {
        if (!session.isOpen()) {
            throw new IllegalStateException("socket closed");
        }
        String message = "{\"event\":" + quote(frame.event() == null ? "message" : frame.event())
                + ",\"id\":" + (frame.id() == null ? "null" : quote(frame.id()))
                + ",\"data\":" + (frame.data().isBlank() ? "null" : frame.data()) + "}";
        try {
            session.sendAsync(message).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot send to the socket", e);
        }
    }

    /** A JSON string of an SSE event name or id (short ASCII in practice; escaped anyway). */
    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
