package dev.runloom.agents.executions;

import java.util.Set;

/** Agent execution statuses (reference Q7). An execution is running,
 * paused (waiting for an approval or client tool outputs, A17/A18), then completed, failed or cancelled. */
public final class ExecutionStatus {
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";
    public static final String PAUSED = "paused";
    public static final Set<String> ALL = Set.of(RUNNING, COMPLETED, FAILED, CANCELLED, PAUSED);

    private ExecutionStatus() {
    }
}
