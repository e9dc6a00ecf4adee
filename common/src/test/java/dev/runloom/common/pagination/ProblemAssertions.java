package dev.runloom.common.pagination;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Shared check: a call fails with a 400 {@code invalid_parameter} problem naming the parameter. */
final class ProblemAssertions {
    private ProblemAssertions() {
    }

    static Problem assertInvalidParameter(ThrowingCallable call, String parameter) {
        return assertInvalidParameter("", call, parameter);
    }

    /** {@code input} only describes the case in a failure message. */
    static Problem assertInvalidParameter(String input, ThrowingCallable call, String parameter) {
        String as = "input [" + input + "]";
        ProblemException e = catchThrowableOfType(ProblemException.class, call);
        assertThat(e).as(as + ": expected a ProblemException").isNotNull();
        Problem problem = e.problem();
        assertThat(problem.status()).as(as).isEqualTo(400);
        assertThat(problem.code()).as(as).isEqualTo("invalid_parameter");
        assertThat(problem.title()).as(as).isEqualTo("Bad Request");
        assertThat(problem.type()).as(as).isEqualTo("https://runloom.dev/problems/invalid_parameter");
        assertThat(problem.retryable()).as(as).isFalse();
        assertThat(problem.detail()).as(as).startsWith("Parameter '" + parameter + "' ");
        assertThat(problem.error()).as(as).isEqualTo(problem.detail());
        assertThat(e.getMessage()).as(as).isEqualTo(problem.detail());
        return problem;
    }
}
