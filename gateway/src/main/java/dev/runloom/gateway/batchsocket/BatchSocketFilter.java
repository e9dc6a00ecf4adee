package dev.runloom.gateway.batchsocket;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.auth.ApiKeyAuthFilter;
import dev.runloom.gateway.routing.ProxyFilter;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs before the batch WebSocket's upgrade ({@code GET /v1/batch/:id/ws}), after the API key was
 * checked ({@link ApiKeyAuthFilter}): a request that is no upgrade answers 426; a batch that is not the
 * organization's (unknown, or another tenant's) answers flows-service's 404 problem, as plain HTTP,
 * before any upgrade — so a client learns why instead of seeing a socket close. Only when flows-service
 * knows the batch does the request go on to the upgrade ({@link BatchProgressSocket}).
 */
@ServerFilter("/v1/batch/*/ws")
public class BatchSocketFilter implements Ordered {
    public static final String REQUEST_ID_ATTRIBUTE = "runloom.gateway.batch-socket.request-id";
    private static final Logger LOG = LoggerFactory.getLogger(BatchSocketFilter.class);

    private final FlowsBatchEvents flows;

    public BatchSocketFilter(FlowsBatchEvents flows) {
        this.flows = flows;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.after();
    }

    /* a blocking call to flows-service: off the event loop, like the API-key filter */
    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public @Nullable HttpResponse<?> check(HttpRequest<?> request) {
        String rawPath = request.getUri().getRawPath();
        if (!BatchSockets.isSocketPath(rawPath)) {
            return null;
        }
        Optional<Tenant> tenant = request.getAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE, Tenant.class);
        if (tenant.isEmpty()) {
            return problem(Problem.of(401, "Unauthorized", "missing_api_key", "No API key", false));
        }
        if (!BatchSockets.isUpgrade(request)) {
            return problem(Problem.of(426, "Upgrade Required", "websocket_required",
                    "GET /v1/batch/:id/ws is a WebSocket; open it with a WebSocket client (Upgrade: websocket),"
                            + " or read GET /v1/batch/:id/events as Server-Sent Events", false))
                    .header(HttpHeaders.UPGRADE, "websocket");
        }
        String requestId = Optional.ofNullable(request.getHeaders().get(ProxyFilter.REQUEST_ID_HEADER))
                .filter(id -> !id.isBlank()).orElseGet(() -> UUID.randomUUID().toString());
        request.setAttribute(REQUEST_ID_ATTRIBUTE, requestId);
        FlowsBatchEvents.Answer answer;
        try {
            answer = flows.status(tenant.get(), BatchSockets.batchId(rawPath), requestId);
        } catch (IOException e) {
            LOG.warn("flows-service unreachable for the batch socket {} (request {}): {}", rawPath, requestId, e.toString());
            return problem(Problem.of(503, "Service Unavailable", "service_unavailable",
                    "The flows-service is unavailable; retry shortly", true));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return problem(Problem.of(503, "Service Unavailable", "service_unavailable",
                    "The gateway is shutting down; retry shortly", true));
        }
        if (answer.status() == 200) {
            return null;
        }
        // the service's own problem (404 for an unknown or another organization's batch), untouched
        return HttpResponse.status(HttpStatus.valueOf(answer.status()))
                .contentType(MediaType.of(answer.contentType()))
                .header(ProxyFilter.REQUEST_ID_HEADER, requestId)
                .body(answer.body());
    }

    private static io.micronaut.http.MutableHttpResponse<Problem> problem(Problem problem) {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(problem.status()))
                .contentType(Problem.MEDIA_TYPE)
                .body(problem);
    }
}
