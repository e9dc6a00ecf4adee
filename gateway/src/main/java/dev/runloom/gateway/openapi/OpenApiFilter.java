package dev.runloom.gateway.openapi;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * Answers {@code GET /v1/openapi.json} with the merged document ({@link PublicOpenApiDocument}). Public:
 * it runs before the API-key filter and never proceeds to it or to the proxy — an API's description is
 * not a secret, and the {@code /docs} page loads it without a key.
 */
@Filter(OpenApiFilter.PATH)
public class OpenApiFilter implements HttpServerFilter {
    public static final String PATH = "/v1/openapi.json";

    private final PublicOpenApiDocument document;

    public OpenApiFilter(PublicOpenApiDocument document) {
        this.document = document;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        if (request.getMethod() != HttpMethod.GET && request.getMethod() != HttpMethod.HEAD) {
            return Mono.just(problem(Problem.of(405, "Method Not Allowed", "method_not_allowed",
                    "Only GET is allowed on " + PATH, false)).header(HttpHeaders.ALLOW, "GET, HEAD"));
        }
        return document.current()
                .<MutableHttpResponse<?>>map(json -> HttpResponse.ok(json)
                        .contentType(MediaType.APPLICATION_JSON_TYPE)
                        .header(HttpHeaders.CACHE_CONTROL, "no-cache"))
                .onErrorResume(ProblemException.class, e -> Mono.just(problem(e.problem())));
    }

    private static MutableHttpResponse<?> problem(Problem problem) {
        return HttpResponse.status(HttpStatus.valueOf(problem.status())).contentType(Problem.MEDIA_TYPE).body(problem);
    }
}
