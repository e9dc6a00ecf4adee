package dev.runloom.flows.flows;

/** A flow and its current version. */
public record FlowWithSteps(Flow flow, FlowVersion version) {
}
