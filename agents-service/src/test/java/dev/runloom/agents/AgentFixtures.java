package dev.runloom.agents;

import io.micronaut.json.tree.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Small helpers the agents-service tests share. */
final class AgentFixtures {
    private AgentFixtures() {
    }

    /** The field names of a JSON object, in order. */
    static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        object.entries().forEach(e -> keys.add(e.getKey()));
        return keys;
    }
}
