package dev.runloom.agents;

import io.micronaut.runtime.Micronaut;

/** agents-service: agents, the agent loop and its stored executions. */
public final class AgentsApplication {
    private AgentsApplication() {
    }

    public static void main(String[] args) {
        Micronaut.run(AgentsApplication.class, args);
    }
}
