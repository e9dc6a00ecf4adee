package dev.runloom.agents.capabilities;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.time.Instant;
import java.util.Map;

/**
 * The Capability object of the reference (§2.11) as A14, A5 and A8 show it, and as an execution's
 * {@code agentSpec} snapshots it: the binding the loop offered, whatever happens to the agent later.
 */
@Serdeable
public record CapabilityView(String id, String agentId, String toolName, @Nullable String toolDescription,
                             @Nullable String flowId, @Nullable String subAgentId, @Nullable String toolId,
                             @Nullable Map<String, Object> parametersSchema, boolean enabled, int displayOrder,
                             Instant createdAt) {

    public static CapabilityView of(Capability c) {
        return new CapabilityView(c.id(), c.agentId(), c.toolName(), c.toolDescription(), c.flowId(), c.subAgentId(),
                c.toolId(), c.parametersSchema(), c.enabled(), c.displayOrder(), c.createdAt());
    }

    /** What the capability binds: {@code flow}, {@code agent} or {@code builtin} (the tool call's {@code toolType}). */
    public String bindingType() {
        return flowId != null ? Capability.TYPE_FLOW : subAgentId != null ? Capability.TYPE_SUB_AGENT : Capability.TYPE_TOOL;
    }
}
