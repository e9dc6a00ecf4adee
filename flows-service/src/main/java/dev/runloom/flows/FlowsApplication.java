package dev.runloom.flows;

import io.micronaut.runtime.Micronaut;

/** flows-service: flows and their versions, the step engine, batches (inline and fanned out), step results. */
public final class FlowsApplication {
    private FlowsApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(FlowsApplication.class, args);
    }
}
