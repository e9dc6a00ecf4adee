package dev.runloom.gateway.openapi;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.routing.ServiceRoutes;
import dev.runloom.gateway.routing.Upstream;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.type.Argument;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The public {@code GET /v1/openapi.json}: each service's own document, read over its internal route
 * {@code /internal/openapi} with an internal token, merged by {@link OpenApiMerger}, plus the gateway's
 * own (its {@code /v1} controllers, if any). Why at run time rather than merged by the build: the gateway
 * depends on {@code common} only and is deployed apart from the services, so the document always
 * describes the service versions actually running behind it (a rolling upgrade shows up within the
 * cache TTL) and needs no cross-module build step. Built on the first request, not at start-up (the
 * gateway may start before the services); a merged document is cached for {@code ttl}; if a refresh
 * fails the last good one is served; if there is none yet, a 503 problem asks to retry.
 */
@Singleton
public class PublicOpenApiDocument {
    static final String OWN_DOCUMENT = "META-INF/swagger/openapi.json";
    static final String SOCKET_DOCUMENT = "openapi/batch-socket.json";
    private static final Logger LOG = LoggerFactory.getLogger(PublicOpenApiDocument.class);
    private static final Argument<Map<String, Object>> JSON_OBJECT = Argument.mapOf(String.class, Object.class);
    /** Who the gateway is when it reads the services' documents: no organization's data is involved. */
    private static final Tenant GATEWAY = new Tenant("org_runloom_gateway", "runloom-gateway", Set.of("*"));

    private final HttpClient client;
    private final InternalTokens tokens;
    private final JsonMapper json;
    private final List<Service> services;
    private final OpenApiMerger merger;
    private final Duration ttl;
    private final Duration fetchTimeout;
    private final Clock clock;
    private volatile Built built;

    public PublicOpenApiDocument(HttpClient client, InternalTokens tokens, JsonMapper json,
                                 ServiceRoutes routes,
                                 @Value("${runloom.gateway.openapi.cache-ttl:5m}") Duration ttl,
                                 @Value("${runloom.gateway.openapi.fetch-timeout:10s}") Duration fetchTimeout) {
        this.client = client;
        this.tokens = tokens;
        this.json = json;
        List<Upstream> upstreams = routes.upstreams();
        this.services = List.of(new Service("records", upstreams.get(0)), new Service("flows", upstreams.get(1)),
                new Service("schedules", upstreams.get(2)), new Service("agents", upstreams.get(3)));
        this.merger = new OpenApiMerger(referenceOperations());
        this.ttl = ttl;
        this.fetchTimeout = fetchTimeout;
        this.clock = Clock.systemUTC();
    }

    /** A service's replicas: any one of them serves the same document. */
    private record Service(String name, Upstream upstream) {
    }

    private record Built(byte[] document, Instant at) {
    }

    /** The merged document as JSON bytes; fails with a 503 {@link ProblemException} while a service cannot answer. */
    public Mono<byte[]> current() {
        Built last = built;
        if (last != null && last.at().plus(ttl).isAfter(clock.instant())) {
            return Mono.just(last.document());
        }
        return build()
                .doOnNext(document -> built = new Built(document, clock.instant()))
                .onErrorResume(error -> {
                    if (last != null) {
                        LOG.warn("cannot refresh the OpenAPI document, serving the last one: {}", error.getMessage());
                        return Mono.just(last.document());
                    }
                    return Mono.error(error);
                });
    }

    private Mono<byte[]> build() {
        return Flux.fromIterable(services)
                .flatMapSequential(this::fetch)
                .collectList()
                .map(documents -> {
                    List<OpenApiMerger.ServiceDocument> all = new ArrayList<>(documents);
                    ownDocument().ifPresent(all::add);
                    // the batch WebSocket is no controller, so micronaut-openapi cannot see it: described by hand
                    all.add(new OpenApiMerger.ServiceDocument("gateway", parse(resource(SOCKET_DOCUMENT))));
                    try {
                        return json.writeValueAsBytes(merger.merge(all));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
    }

    private Mono<OpenApiMerger.ServiceDocument> fetch(Service service) {
        HttpRequest<?> request = HttpRequest.GET(service.upstream().choose().resolve("/internal/openapi"))
                .header(InternalTokens.HEADER, tokens.sign(GATEWAY));
        return Mono.from(client.retrieve(request, String.class))
                .timeout(fetchTimeout)
                .map(body -> new OpenApiMerger.ServiceDocument(service.name(), parse(body)))
                .onErrorMap(error -> !(error instanceof ProblemException), error -> {
                    LOG.warn("cannot read the OpenAPI document of {}-service: {}", service.name(), error.toString());
                    return new ProblemException(Problem.of(503, "Service Unavailable", "service_unavailable",
                            "The API description of " + service.name() + "-service cannot be read right now; retry shortly", true));
                });
    }

    private java.util.Optional<OpenApiMerger.ServiceDocument> ownDocument() {
        try (InputStream in = PublicOpenApiDocument.class.getClassLoader().getResourceAsStream(OWN_DOCUMENT)) {
            if (in == null) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new OpenApiMerger.ServiceDocument("gateway",
                    parse(new String(in.readAllBytes(), StandardCharsets.UTF_8))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = PublicOpenApiDocument.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing from the gateway");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, Object> parse(String body) {
        try {
            return json.readValue(body, JSON_OBJECT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The reference's operations ({@code openapi/reference-routes.txt}): the others are Runloom extensions. */
    static Set<String> referenceOperations() {
        try (InputStream in = PublicOpenApiDocument.class.getClassLoader().getResourceAsStream("openapi/reference-routes.txt")) {
            if (in == null) {
                throw new IllegalStateException("openapi/reference-routes.txt is missing from the gateway");
            }
            Set<String> operations = new LinkedHashSet<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    int space = trimmed.indexOf(' ');
                    operations.add(OpenApiMerger.operationKey(trimmed.substring(0, space), trimmed.substring(space + 1).strip()));
                }
            }
            return operations;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
