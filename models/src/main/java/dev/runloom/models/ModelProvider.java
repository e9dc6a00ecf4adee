package dev.runloom.models;

/** A family of models behind one API (the built-in local model, OpenAI-compatible servers, Anthropic …). */
public interface ModelProvider {
    /** Whether this provider serves the named model. */
    boolean serves(String model);

    ModelResponse complete(ModelRequest request);
}
