package dev.runloom.agents.agent;

import java.util.List;

/** A new agent and the non-fatal problems noticed while creating it (the API's {@code _warnings}). */
public record CreatedAgent(Agent agent, List<String> warnings) {
}
