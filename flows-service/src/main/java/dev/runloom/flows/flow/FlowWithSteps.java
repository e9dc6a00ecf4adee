package dev.runloom.flows.flow;

/** A flow and its current version. */
public record FlowWithSteps(Flow flow, FlowVersion version) {
}
