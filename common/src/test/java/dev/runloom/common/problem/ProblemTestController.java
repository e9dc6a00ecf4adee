package dev.runloom.common.problem;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

import java.util.List;
import java.util.Map;

/** Test-only endpoints that fail in every way the problem processor must handle; loads only in the problem tests. */
@Requires(property = "problem-test.enabled", value = "true")
@Controller("/problem-test")
class ProblemTestController {
    static final String SECRET_MESSAGE = "db password=hunter2 leaked from dev.runloom.common.Secret";

    @Serdeable
    @Introspected
    record Thing(@NotBlank String name, @Min(1) int count, @Nullable @Size(max = 2) List<String> tags) {
    }

    @Post("/things")
    HttpResponse<Thing> create(@Valid @Body Thing thing) {
        return HttpResponse.created(thing);
    }

    @Get("/things/{id}")
    Thing find(@PathVariable String id) {
        throw ProblemException.notFound("Thing", id);
    }

    @Get("/conflict")
    String conflict() {
        throw ProblemException.conflict("duplicate_thing", "A thing named 'a' already exists");
    }

    @Get("/unavailable")
    String unavailable() {
        throw ProblemException.unavailable("broker_unavailable", "Events cannot be published right now");
    }

    @Get("/boom")
    String boom() {
        throw new IllegalStateException(SECRET_MESSAGE);
    }

    @Get("/count")
    String count(@QueryValue int n) {
        return "n=" + n;
    }

    @Get("/ok")
    Map<String, String> ok() {
        return Map.of("status", "ok");
    }
}
