package dev.runloom.agents.agent;

import dev.runloom.agents.a2a.ExternalAgentView;
import dev.runloom.agents.a2a.ExternalAgents;
import dev.runloom.common.pagination.Cursor;
import dev.runloom.common.pagination.CursorPagination;
import dev.runloom.common.pagination.Paged;
import dev.runloom.common.pagination.QueryParams;
import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;

import java.net.URI;
import java.util.List;
import java.util.Set;

/**
 * {@code /v1/agents} (reference §3.5): A1, A2, A5–A8, A13 and A19 (refused: out of scope). External (A2A)
 * agents' {@code externalConfig} and card go through {@link ExternalAgents}; A3/A4 are in {@code a2a.AgentCardController}.
 */
@Controller("/v1/agents")
public class AgentController {
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;
    private static final Set<String> STATUSES = Set.of("draft", "active", "paused", "archived");
    private static final Set<String> TYPES = Set.of(Agent.TYPE_RUNTYPE, "external", "claude-managed");

    private final AgentService agents;
    private final PrimaryFlowCheck primaryFlows;
    private final ExternalAgents externals;

    public AgentController(AgentService agents, PrimaryFlowCheck primaryFlows, ExternalAgents externals) {
        this.agents = agents;
        this.primaryFlows = primaryFlows;
        this.externals = externals;
    }

    /** A1: style C (cursor) pagination; {@code search} matches name or description. */
    @Get
    Paged<AgentListItem, CursorPagination> list(Tenant tenant, @Nullable @QueryValue String limit,
                                                @Nullable @QueryValue String cursor,
                                                @Nullable @QueryValue String includeCount,
                                                @Nullable @QueryValue String search,
                                                @Nullable @QueryValue String status,
                                                @Nullable @QueryValue String agentType) {
        int pageSize = QueryParams.intParam(limit, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
        Cursor position = blankToNull(cursor) == null ? null : Cursor.decode(cursor.trim(), "cursor");
        boolean count = QueryParams.boolParam(includeCount, "includeCount", false);
        String searched = blankToNull(search);
        if (searched != null && searched.length() > 200) {
            throw ProblemException.invalidParameter("search", "must be at most 200 characters");
        }
        AgentFilter filter = new AgentFilter(tenant.organizationId(), searched,
                QueryParams.enumParam(status, "status", STATUSES, null),
                QueryParams.enumParam(agentType, "agentType", TYPES, null));
        AgentService.AgentPage page = agents.list(filter, pageSize, position, count);
        CursorPagination pagination = new CursorPagination(page.nextCursor(), page.prevCursor(), page.hasMore(),
                page.hasPrev(), page.limit(), page.currentOffset(), null, null, null);
        return new Paged<>(page.agents().stream().map(a -> AgentListItem.of(a, page.lastRunAt().get(a.id()))).toList(),
                page.totalCount() == null ? pagination : pagination.withCount(page.totalCount()));
    }

    @Post
    HttpResponse<AgentResponse> create(Tenant tenant, @Valid @Body CreateAgentRequest body) {
        if (body.primaryFlowId() != null) {
            primaryFlows.requireExists(tenant, body.primaryFlowId()); // 404 unless a flow of this organization
        }
        CreatedAgent created;
        if (Agent.TYPE_EXTERNAL.equals(body.agentType())) {
            // the agent card is fetched (SSRF-guarded) before the transaction that stores agent and card
            created = externals.create(tenant, body.toNewAgent(), externals.prepare(body.externalConfig()));
        } else {
            if (body.externalConfig() != null) {
                throw ProblemException.validation("externalConfig applies only to agents of type external");
            }
            created = agents.create(tenant, body.toNewAgent());
        }
        return HttpResponse.created(AgentResponse.of(created.agent(), created.warnings())
                        .withExternal(externals.read(created.agent())),
                URI.create("/v1/agents/" + created.agent().id()));
    }

    @Get("/{id}")
    AgentResponse get(Tenant tenant, String id) {
        ExternalAgents.Read read = externals.read(tenant, id);
        return AgentResponse.of(read.agent(), List.of()).withExternal(read);
    }

    /** A6: partial update, {@code config} deep-merged; an external agent's card re-fetched when externalConfig is given. */
    @Put("/{id}")
    AgentResponse update(Tenant tenant, String id, @Valid @Body UpdateAgentRequest body) {
        if (body.primaryFlowId() != null && !body.primaryFlowId().isEmpty()) {
            primaryFlows.requireExists(tenant, body.primaryFlowId()); // the same check as create: 404 unless the caller's flow
        }
        ExternalAgents.Prepared external = externals.prepareUpdate(tenant, id, body.agentType(), body.externalConfig());
        AgentService.Written written = externals.update(tenant, id, body, external);
        return AgentResponse.updated(written.agent(), written.warnings()).withExternal(externals.read(written.agent()));
    }

    /** A7. */
    @Delete("/{id}")
    Success delete(Tenant tenant, String id) {
        agents.delete(tenant, id);
        return new Success(true);
    }

    /** A8: the definition a self-hosted runtime needs. */
    @Get("/{id}/export-runtime")
    RuntimeExport exportRuntime(Tenant tenant, String id) {
        ExternalAgents.Read read = externals.read(tenant, id);
        Agent agent = read.agent();
        return new RuntimeExport(agent.id(), agent.name(), agent.description(), agent.agentType(), agent.config(),
                List.of(), read.external(), AgentResponse.PrimaryFlow.of(agent.primaryFlowId()));
    }

    /** A13: body {@code {}} (ignored). */
    @Post("/{id}/publish")
    PublishResponse publish(Tenant tenant, String id, @Nullable @Body Object ignored) {
        AgentService.Published published = agents.publishLive(tenant, id);
        return new PublishResponse(true, published.versionId(),
                "Agent " + published.agentId() + " published as version " + published.versionId());
    }

    /** A19: text-to-speech is out of this implementation's scope; said plainly instead of a 404. */
    @Post("/{id}/speak")
    HttpResponse<?> speak(Tenant tenant, String id) {
        agents.get(tenant, id);
        throw new ProblemException(Problem.of(501, "Not Implemented", "not_implemented",
                "Text-to-speech (POST /v1/agents/:id/speak) is out of scope for this implementation", false));
    }

    @Serdeable
    record Success(boolean success) {
    }

    @Serdeable
    record PublishResponse(boolean success, String publishedVersionId, String message) {
    }

    @Serdeable
    record RuntimeExport(String id, String name, @Nullable String description, String agentType, AgentConfig config,
                         List<Object> capabilities, @Nullable ExternalAgentView externalConfig,
                         @Nullable AgentResponse.PrimaryFlow primaryFlow) {
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
