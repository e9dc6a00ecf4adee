package dev.runloom.agents.tools;

/** A tool that could not do what the model asked; the message is shown to the model and stored. */
public class ToolFailure extends RuntimeException {
    public ToolFailure(String message) {
        super(message, null, false, false);
    }
}
