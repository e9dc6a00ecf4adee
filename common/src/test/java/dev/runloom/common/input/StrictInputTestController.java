package dev.runloom.common.input;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/** Echo endpoints under /v1 (where StrictInputFilter applies); loads only in the strict-input tests. */
@Requires(property = "strict-input-test.enabled", value = "true")
@Controller("/v1/strict-test")
class StrictInputTestController {

    @Serdeable
    record Thing(@Nullable String name, @Nullable Map<String, Object> metadata) {
    }

    @Post
    Thing create(@Body Thing thing) {
        return thing;
    }

    @Post("/{id}/run")
    Map<String, String> run(@PathVariable String id) {
        return Map.of("id", id);
    }

    @Get("/{id}")
    Map<String, String> get(@PathVariable String id, @Nullable @QueryValue String type) {
        return Map.of("id", id, "type", type == null ? "" : type);
    }
}
