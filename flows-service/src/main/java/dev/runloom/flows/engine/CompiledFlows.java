package dev.runloom.flows.engine;

import dev.runloom.flows.flow.FlowService;
import dev.runloom.flows.flow.FlowVersion;
import dev.runloom.flows.steps.BranchingStep;
import dev.runloom.flows.steps.ErrorPolicy;
import dev.runloom.flows.steps.PreparedStep;
import dev.runloom.flows.steps.StepDefinition;
import dev.runloom.flows.steps.StepType;
import dev.runloom.flows.steps.StepTypes;
import dev.runloom.flows.steps.script.JsSandbox;
import dev.runloom.flows.steps.script.JsScript;
import jakarta.inject.Singleton;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Prepared flow versions, cached by version id: versions never change, so templates are parsed and
 * scripts compiled once per version and process rather than once per record (conditional branches too). Bounded (least recently used out).
 */
@Singleton
public class CompiledFlows {
    private static final int CAPACITY = 500;

    private final StepTypes stepTypes;
    private final FlowService flows;
    private final JsSandbox sandbox;
    private final Map<String, CompiledFlow> cache = Collections.synchronizedMap(
            new LinkedHashMap<>(64, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, CompiledFlow> eldest) {
                    return size() > CAPACITY;
                }
            });

    public CompiledFlows(StepTypes stepTypes, FlowService flows, JsSandbox sandbox) {
        this.stepTypes = stepTypes;
        this.flows = flows;
        this.sandbox = sandbox;
    }

    public CompiledFlow compiled(FlowVersion version) {
        CompiledFlow cached = cache.get(version.id());
        if (cached != null) {
            return cached;
        }
        CompiledFlow compiled = compile(version);
        cache.put(version.id(), compiled);
        return compiled;
    }

    /** The version of the organization, compiled; empty when it does not exist there. */
    public Optional<CompiledFlow> find(String organizationId, String versionId) {
        CompiledFlow cached = cache.get(versionId);
        if (cached != null) {
            return cached.organizationId().equals(organizationId) ? Optional.of(cached) : Optional.empty();
        }
        return flows.findVersion(organizationId, versionId).map(this::compiled);
    }

    private CompiledFlow compile(FlowVersion version) {
        List<CompiledFlow.CompiledStep> steps = version.steps().stream().map(this::compile).toList();
        return new CompiledFlow(version.flowId(), version.name(), version.id(), version.organizationId(), steps);
    }

    private CompiledFlow.CompiledStep compile(StepDefinition step) {
        StepType type = stepTypes.get(step.type());
        PreparedStep prepared = type.prepare(step);
        List<CompiledFlow.CompiledStep> whenTrue = List.of();
        List<CompiledFlow.CompiledStep> whenFalse = List.of();
        if (prepared instanceof BranchingStep branching) {
            whenTrue = branching.branch(true).stream().map(this::compile).toList();
            whenFalse = branching.branch(false).stream().map(this::compile).toList();
        }
        JsScript when = step.when() == null ? null : sandbox.expression(step.when());
        return new CompiledFlow.CompiledStep(step, type.callsModel(), prepared, when, ErrorPolicy.of(step.config()),
                whenTrue, whenFalse);
    }
}
