package dev.runloom.agents.capabilities;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;
import io.micronaut.data.annotation.TypeDef;
import io.micronaut.data.model.DataType;

import java.time.Instant;
import java.util.Map;

/**
 * A capability (reference §2.11, table {@code agent_capabilities}): a tool the agent offers its model
 * under {@code toolName}, bound to exactly one of a flow ({@code flowId}), another agent of the
 * organization ({@code subAgentId}) or a built-in tool ({@code toolId}). {@code parametersSchema} is the
 * JSON Schema of the tool's arguments (null: any object). The API shows it as a {@link CapabilityView}.
 */
@MappedEntity("agent_capabilities")
public record Capability(@Id String id,
                         String agentId,
                         String organizationId,
                         String toolName,
                         @Nullable String toolDescription,
                         @Nullable String flowId,
                         @Nullable String subAgentId,
                         @Nullable String toolId,
                         @Nullable @TypeDef(type = DataType.JSON) Map<String, Object> parametersSchema,
                         boolean enabled,
                         int displayOrder,
                         Instant createdAt) {
    public static final String TYPE_FLOW = "flow";
    public static final String TYPE_SUB_AGENT = "agent";
    public static final String TYPE_TOOL = "builtin";

    /** What the capability binds: {@code flow}, {@code agent} or {@code builtin} (the tool call's {@code toolType}). */
    public String bindingType() {
        return flowId != null ? TYPE_FLOW : subAgentId != null ? TYPE_SUB_AGENT : TYPE_TOOL;
    }

    /** The bound object's id: the flow's, the sub-agent's or the built-in tool's. */
    public String boundId() {
        return flowId != null ? flowId : subAgentId != null ? subAgentId : toolId;
    }
}
