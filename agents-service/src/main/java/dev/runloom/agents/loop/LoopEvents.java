package dev.runloom.agents.loop;

/**
 * What happens inside a run of the loop, as it happens: the stream (A16) turns these into frames.
 * Every method has a no-op default; {@link #NONE} listens to nothing.
 */
public interface LoopEvents {
    LoopEvents NONE = new LoopEvents() {
    };

    /** Whether the model's text should be streamed (deltas as they arrive) rather than read whole. */
    default boolean streaming() {
        return false;
    }

    /**
     * Whether the run can pause for a person or a client (A17/A18): true for an execution a client
     * started directly; false for unattended runs (schedules, flow steps), where a tool that needs an
     * approval or a client fails instead.
     */
    default boolean canPause() {
        return false;
    }

    default void turnStart(int iteration) {
    }

    default void textDelta(int iteration, String text) {
    }

    default void turnComplete(Iteration iteration, String stopReason) {
    }

    default void toolStart(int iteration, String toolCallId, ToolCall call) {
    }

    default void toolComplete(ToolCallRecord call) {
    }
}
