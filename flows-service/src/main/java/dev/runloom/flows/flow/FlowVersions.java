package dev.runloom.flows.flow;

import java.util.List;

/** A flow and all its versions, newest first. */
public record FlowVersions(Flow flow, List<FlowVersion> versions) {
}
