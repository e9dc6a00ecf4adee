package dev.runloom.common.problem;

import io.micronaut.http.HttpStatus;

/** Thrown anywhere in a service to answer with a problem response instead of a 500. */
public class ProblemException extends RuntimeException {
    private final transient Problem problem;

    public ProblemException(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }

    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(Problem.of(400, "Bad Request", code, detail, false));
    }

    /** A query or path parameter that cannot be used; the message names it. */
    public static ProblemException invalidParameter(String name, String detail) {
        return badRequest("invalid_parameter", "Parameter '" + name + "' " + detail);
    }

    public static ProblemException validation(String detail) {
        return badRequest("validation_failed", detail);
    }

    public static ProblemException notFound(String what, String id) {
        return new ProblemException(Problem.of(404, "Not Found", "not_found", what + " '" + id + "' was not found", false));
    }

    public static ProblemException conflict(String code, String detail) {
        return new ProblemException(Problem.of(409, "Conflict", code, detail, false));
    }

    public static ProblemException unauthorized(String detail) {
        return new ProblemException(Problem.of(401, "Unauthorized", "unauthorized", detail, false));
    }

    public static ProblemException unavailable(String code, String detail) {
        return new ProblemException(Problem.of(HttpStatus.SERVICE_UNAVAILABLE.getCode(), "Service Unavailable", code, detail, true));
    }
}
