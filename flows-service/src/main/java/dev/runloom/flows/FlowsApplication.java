package dev.runloom.flows;

import io.micronaut.runtime.Micronaut;

public final class FlowsApplication {
    private FlowsApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(FlowsApplication.class, args);
    }
}
