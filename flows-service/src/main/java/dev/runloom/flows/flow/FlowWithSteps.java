package dev.runloom.flows.flow;

/** A flow and one of its versions (which one depends on the question asked: newest, running, published …). */
public record FlowWithSteps(Flow flow, FlowVersion version) {
}
