package dev.runloom.schedules.runs;

import java.util.List;
import java.util.Set;

/**
 * Schedule run statuses (reference Q7 plus {@code skipped}): {@code pending} (requested, the
 * target's service has not started it), {@code running}, then {@code completed} / {@code partial}
 * (some records failed) / {@code failed}; {@code skipped} records a fire that did not run (the
 * previous run was still active, or a missed fire time under {@code missedRunPolicy skip}).
 * Statistics and sparklines count {@code completed} as a success and {@code failed} and
 * {@code partial} as failures.
 */
public final class RunStatus {
    public static final String PENDING = "pending";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String PARTIAL = "partial";
    public static final String FAILED = "failed";
    public static final String SKIPPED = "skipped";

    /** Runs that block the next fire of their schedule. */
    public static final List<String> ACTIVE = List.of(PENDING, RUNNING);

    /** Every status a run can have: the values {@code GET /v1/schedules/runs?status=} accepts. */
    public static final Set<String> ALL = Set.of(PENDING, RUNNING, COMPLETED, PARTIAL, FAILED, SKIPPED);

    private RunStatus() {
    }

    /** A batch's final status as a run status; anything unexpected counts as a failure. */
    public static String ofFinishedBatch(String batchStatus) {
        return switch (batchStatus) {
            case COMPLETED, PARTIAL, FAILED -> batchStatus;
            default -> FAILED;
        };
    }

    /** An agent execution's final status as a run status: only {@code completed} is a success. */
    public static String ofFinishedAgentExecution(String executionStatus) {
        return COMPLETED.equals(executionStatus) ? COMPLETED : FAILED;
    }
}
