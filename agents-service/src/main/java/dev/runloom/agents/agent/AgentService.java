package dev.runloom.agents.agent;

import dev.runloom.common.id.Ids;
import dev.runloom.models.ModelProvider;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** Creating and reading agents: the definitions executions snapshot. */
@Singleton
public class AgentService {
    private final AgentRepository agents;
    private final List<ModelProvider> providers;

    public AgentService(AgentRepository agents, List<ModelProvider> providers) {
        this.agents = agents;
        this.providers = providers;
    }

    @Transactional
    public CreatedAgent create(Tenant tenant, NewAgent request) {
        String agentType = Objects.requireNonNullElse(request.agentType(), Agent.TYPE_RUNTYPE);
        if (!Agent.TYPE_RUNTYPE.equals(agentType)) {
            // external (A2A) and managed agents need their own runtimes; refuse rather than store an agent that cannot run
            throw ProblemException.badRequest("unsupported_agent_type",
                    "agentType '" + agentType + "' is not supported yet; supported: " + Agent.TYPE_RUNTYPE);
        }
        AgentConfig config = new AgentConfig(
                Objects.requireNonNullElse(request.model(), AgentConfig.DEFAULT_MODEL),
                request.systemPrompt(),
                Objects.requireNonNullElse(request.temperature(), AgentConfig.DEFAULT_TEMPERATURE),
                Objects.requireNonNullElse(request.maxTurns(), AgentConfig.DEFAULT_MAX_TURNS),
                Objects.requireNonNullElse(request.maxToolCalls(), AgentConfig.DEFAULT_MAX_TOOL_CALLS));
        List<String> warnings = new ArrayList<>();
        if (providers.stream().noneMatch(p -> p.serves(config.model()))) {
            // not fatal: a provider may be configured later, but every execution fails until then
            warnings.add("No configured model provider serves model '" + config.model()
                    + "'; executions of this agent will fail until one does");
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Agent agent = new Agent(Ids.newId("agent"), tenant.organizationId(), tenant.userId(), request.name(),
                request.description(), request.icon(), agentType, request.primaryFlowId(), config,
                Agent.STATUS_ACTIVE, null, null, now, now);
        agents.save(agent);
        return new CreatedAgent(agent, List.copyOf(warnings));
    }

    /** The agent, if it exists in the organization (for callers without a tenant: event handlers). */
    @Transactional(readOnly = true)
    public Optional<Agent> find(String organizationId, String id) {
        return agents.findByOrganizationIdAndId(organizationId, id);
    }

    /** The agent, or a 404 problem when it does not exist in the caller's organization. */
    @Transactional(readOnly = true)
    public Agent get(Tenant tenant, String id) {
        return agents.findByOrganizationIdAndId(tenant.organizationId(), id).orElseThrow(() -> ProblemException.notFound("Agent", id));
    }
}
