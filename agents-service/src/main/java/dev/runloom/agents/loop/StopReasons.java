package dev.runloom.agents.loop;

/** Why the loop stopped: the reference's per-turn enum plus {@code max_iterations_reached} (seed 004). */
public final class StopReasons {
    /** The model answered without asking for a tool: the normal end. */
    public static final String END_TURN = "end_turn";
    /** The model still wanted tools when {@code maxTurns} iterations were used up. */
    public static final String MAX_ITERATIONS_REACHED = "max_iterations_reached";
    /** The model asked for more tool calls than {@code maxToolCalls} leaves. */
    public static final String MAX_TOOL_CALLS = "max_tool_calls";
    /** The model hit its output token limit. */
    public static final String LENGTH = "length";
    public static final String CONTENT_FILTER = "content_filter";
    /** A person denied a tool call of an agent whose approvals stop on deny; the execution is {@code cancelled}. */
    public static final String APPROVAL_DENIED = "approval_denied";
    /** A model or tool call failed; the execution is {@code failed}. */
    public static final String ERROR = "error";

    private StopReasons() {
    }
}
