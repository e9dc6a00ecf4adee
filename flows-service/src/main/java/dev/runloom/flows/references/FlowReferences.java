package dev.runloom.flows.references;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.kernel.references.FlowReferrers;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.annotation.Client;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import io.micronaut.http.uri.UriBuilder;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Who still uses a flow? Asks the owners of the things that point at flows, synchronously, before a
 * flow is deleted: schedules-service ({@code GET /internal/schedules?flowId=}) for schedules that
 * target it and agents-service ({@code GET /internal/agents?flowId=}) for agents that use it. Both
 * answer with the caller's tenant only (the internal token is signed for it).
 *
 * <p>Why a call and not a projection of their events: a delete must see references as they are
 * <em>now</em> (a schedule created a second ago counts), those services publish no events about
 * their definitions, and the question is rare (deletes), so a read-through costs nothing at scale.
 * Called outside any transaction, so no database connection waits on a peer. A peer that cannot
 * answer fails the delete with a retryable 503: a flow is never deleted on a check nobody made.
 */
@Singleton
public class FlowReferences {
    private static final Logger LOG = LoggerFactory.getLogger(FlowReferences.class);
    /** How many referrers a refusal names (the message says when there are more). */
    static final int NAMED = 20;

    private final HttpClient schedules;
    private final HttpClient agents;
    private final InternalTokens tokens;

    public FlowReferences(@Client(id = "schedules") HttpClient schedules, @Client(id = "agents") HttpClient agents,
                          InternalTokens tokens) {
        this.schedules = schedules;
        this.agents = agents;
        this.tokens = tokens;
    }

    /**
     * @throws ProblemException 409 {@code flow_in_use} naming the schedules and agents that use the flow,
     *                          503 ({@code retryable}) when either service cannot say
     */
    public void requireUnreferenced(Tenant tenant, String flowId) {
        List<Referrer> usedBy = new ArrayList<>();
        usedBy.addAll(ask(tenant, schedules, "schedules-service", "/internal/schedules", "schedule", flowId));
        usedBy.addAll(ask(tenant, agents, "agents-service", "/internal/agents", "agent", flowId));
        if (usedBy.isEmpty()) {
            return;
        }
        List<String> named = usedBy.stream().limit(NAMED).map(r -> r.kind + " '" + r.id + "'"
                + (r.name == null ? "" : " (" + r.name + ")")).toList();
        throw ProblemException.conflict("flow_in_use", "Flow '" + flowId + "' is used by " + String.join(", ", named)
                + (usedBy.size() > NAMED ? " and others" : "") + "; delete them or point them at another flow first");
    }

    private List<Referrer> ask(Tenant tenant, HttpClient client, String service, String path, String kind, String flowId) {
        HttpRequest<?> request = HttpRequest.GET(UriBuilder.of(path).queryParam("flowId", flowId)
                .queryParam("limit", NAMED + 1).build()).header(InternalTokens.HEADER, tokens.sign(tenant));
        try {
            FlowReferrers answer = client.toBlocking().retrieve(request, Argument.of(FlowReferrers.class));
            return answer == null || answer.data() == null ? List.of()
                    : answer.data().stream().map(r -> new Referrer(kind, r.id(), r.name())).toList();
        } catch (HttpClientResponseException e) {
            LOG.warn("{} answered {} when asked what uses flow {}", service, e.getStatus().getCode(), flowId);
            throw unavailable(service, flowId, "answered " + e.getStatus().getCode());
        } catch (HttpClientException e) {
            LOG.warn("{} unreachable when asked what uses flow {}: {}", service, flowId, e.getMessage());
            throw unavailable(service, flowId, "could not be reached");
        }
    }

    private static ProblemException unavailable(String service, String flowId, String what) {
        return ProblemException.unavailable("references_unavailable", service + " " + what
                + " when asked whether flow '" + flowId + "' is still used; the flow was not deleted, retry later");
    }

    private record Referrer(String kind, String id, @Nullable String name) {
    }
}
