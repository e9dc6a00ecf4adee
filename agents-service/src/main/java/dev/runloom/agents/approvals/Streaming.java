package dev.runloom.agents.approvals;

import dev.runloom.common.problem.ProblemException;
import io.micronaut.core.annotation.Nullable;

/** {@code streamResponse} of approve/resume: a boolean, true when absent (as for execute, A16). */
final class Streaming {
    private Streaming() {
    }

    static boolean streams(@Nullable Object streamResponse) {
        if (streamResponse == null) {
            return true;
        }
        // read as any JSON value so that "yes" or 1 is refused rather than silently coerced
        if (!(streamResponse instanceof Boolean stream)) {
            throw ProblemException.validation("streamResponse must be a boolean");
        }
        return stream;
    }
}
