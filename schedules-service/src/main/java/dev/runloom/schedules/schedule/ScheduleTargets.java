package dev.runloom.schedules.schedule;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
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
 * Does a schedule's target exist in the caller's organization? Asks its owner synchronously —
 * flows-service {@code GET /v1/flows/:id}, agents-service {@code GET /v1/agents/:id} — with an
 * internal token signed for the caller's tenant, so another organization's flow is as unknown as a
 * flow that never existed (404). Called before any transaction opens, so no database connection
 * waits on a peer. The clients are {@code micronaut.http.services.flows|agents} (URL from
 * {@code runloom.services.flows-url|agents-url}, short timeouts). A peer that cannot answer makes the request fail with a retryable 503: a
 * schedule is never saved on a target nobody checked.
 */
@Singleton
public class ScheduleTargets {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleTargets.class);

    private final HttpClient flows;
    private final HttpClient agents;
    private final InternalTokens tokens;

    public ScheduleTargets(@Client(id = "flows") HttpClient flows,
                           @Client(id = "agents") HttpClient agents,
                           InternalTokens tokens) {
        this.flows = flows;
        this.agents = agents;
        this.tokens = tokens;
    }

    /**
     * @throws ProblemException 404 when the named flow or agent does not exist for the tenant,
     *                          503 ({@code retryable}) when its service cannot say
     */
    public void requireExists(Tenant tenant, @Nullable String flowId, @Nullable String agentId) {
        if (flowId != null) {
            check(tenant, flows, "flows-service", "/v1/flows/", "Flow", flowId);
        }
        if (agentId != null) {
            check(tenant, agents, "agents-service", "/v1/agents/", "Agent", agentId);
        }
    }

    private void check(Tenant tenant, HttpClient client, String service, String path, String what, String id) {
        String segment = URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
        if (segment.equals(".") || segment.equals("..")) {
            throw ProblemException.notFound(what, id);
        }
        HttpRequest<?> request = HttpRequest.GET(path + segment).header(InternalTokens.HEADER, tokens.sign(tenant));
        try {
            client.toBlocking().exchange(request);
        } catch (HttpClientResponseException e) {
            if (e.getStatus() == HttpStatus.NOT_FOUND) {
                throw ProblemException.notFound(what, id);
            }
            LOG.warn("{} answered {} to {} {}", service, e.getStatus().getCode(), request.getMethod(), request.getPath());
            throw ProblemException.unavailable("target_unavailable", service + " answered " + e.getStatus().getCode()
                    + " when asked whether " + what.toLowerCase() + " '" + id + "' exists; retry later");
        } catch (HttpClientException e) {
            LOG.warn("{} unreachable: {}", service, e.getMessage());
            throw ProblemException.unavailable("target_unavailable", service + " could not be reached to check "
                    + what.toLowerCase() + " '" + id + "'; retry later");
        }
    }
}
