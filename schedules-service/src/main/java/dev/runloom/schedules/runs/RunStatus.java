package dev.runloom.schedules.runs;

import java.util.List;

/**
 * Schedule run statuses (reference Q7 plus {@code skipped}): {@code pending} (requested, flows-service
 * has not started it), {@code running}, then {@code completed} / {@code partial} (some records failed)
 * / {@code failed}; {@code skipped} records a fire that did not run because the previous run was
 * still active.
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

    private RunStatus() {
    }

    /** A batch's final status as a run status; anything unexpected counts as a failure. */
    public static String ofFinishedBatch(String batchStatus) {
        return switch (batchStatus) {
            case COMPLETED, PARTIAL, FAILED -> batchStatus;
            default -> FAILED;
        };
    }
}
