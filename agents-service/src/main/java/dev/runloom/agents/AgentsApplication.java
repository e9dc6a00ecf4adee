package dev.runloom.agents;

import io.micronaut.runtime.Micronaut;

public final class AgentsApplication {
    private AgentsApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(AgentsApplication.class, args);
    }
}
