package dev.runloom.common.problem;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

@Produces(Problem.MEDIA_TYPE)
@Singleton
public class ProblemExceptionHandler implements ExceptionHandler<ProblemException, HttpResponse<Problem>> {
    @Override
    public HttpResponse<Problem> handle(HttpRequest request, ProblemException exception) {
        Problem problem = exception.problem();
        return HttpResponse.<Problem>status(HttpStatus.valueOf(problem.status()))
                .contentType(Problem.MEDIA_TYPE)
                .body(problem);
    }
}
