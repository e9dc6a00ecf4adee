package dev.runloom.flows.recordsource;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A request that needed records-service while it is down answers 503, retryable. */
@Produces(Problem.MEDIA_TYPE)
@Singleton
public class RecordsUnavailableHandler implements ExceptionHandler<RecordsUnavailableException, HttpResponse<Problem>> {
    private static final Logger LOG = LoggerFactory.getLogger(RecordsUnavailableHandler.class);

    @Override
    public HttpResponse<Problem> handle(HttpRequest request, RecordsUnavailableException exception) {
        LOG.warn("{} {}: {}", request.getMethod(), request.getPath(), exception.getMessage());
        Problem problem = ProblemException.unavailable("records_unavailable",
                "The records of the type could not be read right now; try again shortly").problem();
        return HttpResponse.<Problem>status(HttpStatus.SERVICE_UNAVAILABLE).contentType(Problem.MEDIA_TYPE).body(problem);
    }
}
