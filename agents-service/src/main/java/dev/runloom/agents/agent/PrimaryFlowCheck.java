package dev.runloom.agents.agent;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * Does an agent's {@code primaryFlowId} name a flow of the caller's organization? Asks flows-service
 * ({@code GET /v1/flows/:id}) with an internal token signed for the caller, so another
 * organization's flow is as unknown as one that never existed (404). Called by the controller
 * before any transaction opens. The client is {@code micronaut.http.services.flows} (URL from
 * {@code runloom.services.flows-url}, short timeouts); a flows-service that cannot answer makes the
 * create fail with a retryable 503 rather than store an unchecked reference.
 */
@Singleton
public class PrimaryFlowCheck {
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryFlowCheck.class);

    private final HttpClient flows;
    private final InternalTokens tokens;

    public PrimaryFlowCheck(@Client(id = "flows") HttpClient flows, InternalTokens tokens) {
        this.flows = flows;
        this.tokens = tokens;
    }

    public void requireExists(Tenant tenant, String flowId) {
        String segment = URLEncoder.encode(flowId, StandardCharsets.UTF_8).replace("+", "%20");
        if (segment.equals(".") || segment.equals("..")) {
            throw ProblemException.notFound("Flow", flowId);
        }
        HttpRequest<?> request = HttpRequest.GET("/v1/flows/" + segment).header(InternalTokens.HEADER, tokens.sign(tenant));
        try {
            flows.toBlocking().exchange(request);
        } catch (HttpClientResponseException e) {
            if (e.getStatus() == HttpStatus.NOT_FOUND) {
                throw ProblemException.notFound("Flow", flowId);
            }
            LOG.warn("flows-service answered {} to GET {}", e.getStatus().getCode(), request.getPath());
            throw ProblemException.unavailable("flow_check_unavailable", "flows-service answered "
                    + e.getStatus().getCode() + " when asked whether flow '" + flowId + "' exists; retry later");
        } catch (HttpClientException e) {
            LOG.warn("flows-service unreachable: {}", e.getMessage());
            throw ProblemException.unavailable("flow_check_unavailable",
                    "flows-service could not be reached to check flow '" + flowId + "'; retry later");
        }
    }
}
