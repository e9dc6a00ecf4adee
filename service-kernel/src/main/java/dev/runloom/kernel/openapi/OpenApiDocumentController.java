package dev.runloom.kernel.openapi;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The service's own OpenAPI document, as micronaut-openapi wrote it at compile time (each service's
 * {@code openapi.properties}: OpenAPI 3.1, JSON, {@value #DOCUMENT}). Internal: only the gateway reads
 * it, with its internal token, to merge the four services' documents into the public
 * {@code GET /v1/openapi.json}.
 */
@Controller("/internal/openapi")
public class OpenApiDocumentController {
    public static final String DOCUMENT = "META-INF/swagger/openapi.json";

    private volatile String document;

    @Get(produces = MediaType.APPLICATION_JSON)
    public String document() {
        String loaded = document;
        if (loaded == null) {
            loaded = load();
            document = loaded;
        }
        return loaded;
    }

    private String load() {
        try (InputStream in = OpenApiDocumentController.class.getClassLoader().getResourceAsStream(DOCUMENT)) {
            if (in == null) {
                throw new ProblemException(Problem.of(404, "Not Found", "not_found",
                        "This service was built without its OpenAPI document", false));
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
