package dev.runloom.gateway.routing;

import dev.runloom.common.input.StrictInputFilter;
import dev.runloom.common.problem.Problem;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.auth.ApiKeyAuthFilter;
import dev.runloom.gateway.batchsocket.BatchSockets;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.client.ProxyHttpClient;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.http.exceptions.BufferLengthExceededException;
import io.micronaut.http.exceptions.ContentLengthExceededException;
import io.micronaut.http.exceptions.HttpStatusException;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Forwards an authenticated {@code /v1} request to the service that owns its path, over HTTP with
 * {@link ProxyHttpClient}: method, path, query, body and headers go through as they came, and the
 * service's answer (status, headers, body — problems included) comes back untouched and streamed
 * (SSE included). Request bodies with a Content-Length stream through; a chunked one is first received
 * whole, within {@code micronaut.server.max-request-buffer-size} (1 MiB) — except on the streamed
 * upload paths ({@link #UPLOAD_PATHS}), whose bodies always stream, up to {@code micronaut.server.max-request-size}.
 * The caller's credentials stay here: the service gets a short-lived signed internal token
 * naming the organization instead. Runs last, after {@link ApiKeyAuthFilter}; it proceeds to a local
 * route only for the gateway's own resources ({@link #servedHere}).
 */
@Filter("/v1/**")
public class ProxyFilter implements HttpServerFilter {
    public static final String REQUEST_ID_HEADER = "X-Request-Id";
    private static final Logger LOG = LoggerFactory.getLogger(ProxyFilter.class);

    private final ProxyHttpClient client;
    private final ServiceRoutes routes;
    private final InternalTokens tokens;
    /** Streamed uploads: their bodies are never buffered here, and may be as large as the server's request limit. */
    static final Set<String> UPLOAD_PATHS = Set.of("/v1/records/upload-csv");

    private final long maxRequestSize;
    private final long maxUploadSize;

    public ProxyFilter(ProxyHttpClient client, ServiceRoutes routes, InternalTokens tokens,
                       @Value("${micronaut.server.max-request-buffer-size:1048576}") long maxRequestSize,
                       @Value("${micronaut.server.max-request-size:10485760}") long maxUploadSize) {
        this.client = client;
        this.routes = routes;
        this.tokens = tokens;
        this.maxRequestSize = maxRequestSize;
        this.maxUploadSize = maxUploadSize;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.LAST.order();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        if (servedHere(request.getUri().getRawPath())
                || BatchSockets.isSocketPath(request.getUri().getRawPath()) && BatchSockets.isUpgrade(request)) {
            // the batch WebSocket is the gateway's own (an upgrade cannot be proxied): BatchProgressSocket
            return chain.proceed(request);
        }
        Optional<Tenant> tenant = request.getAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE, Tenant.class);
        if (tenant.isEmpty()) {
            // only reachable if the auth filter was disabled or reordered: fail closed
            return Publishers.just(problem(Problem.of(401, "Unauthorized", "missing_api_key", "No API key", false)));
        }
        String rawPath = request.getUri().getRawPath();
        Optional<ServiceRoutes.Route> route = routes.resolve(rawPath);
        if (route.isEmpty()) {
            return Publishers.just(problem(Problem.of(404, "Not Found", "not_found",
                    "No endpoint " + request.getMethodName() + " " + rawPath, false)));
        }
        long contentLength = request.getContentLength();
        boolean upload = UPLOAD_PATHS.contains(rawPath);
        if (contentLength > (upload ? maxUploadSize : maxRequestSize)) {
            return Publishers.just(tooLarge(upload ? maxUploadSize : maxRequestSize));
        }
        String requestId = Optional.ofNullable(request.getHeaders().get(REQUEST_ID_HEADER))
                .filter(id -> !id.isBlank()).orElseGet(() -> UUID.randomUUID().toString());
        boolean json = request.getContentType().map(StrictInputFilter::isJson).orElse(false);
        // a JSON body was already received whole (≤ the limit, else 413) by the StrictInputFilter
        if (!upload && !json && contentLength < 0 && request.getHeaders().contains(HttpHeaders.TRANSFER_ENCODING)
                && request instanceof ServerHttpRequest<?> serverRequest) {
            // A chunked body announces no length: receive it whole (≤ the limit) before forwarding.
            // Streamed, an oversized one would be cut off half-sent and leave the service waiting
            // for the rest of a request that never comes.
            return Mono.fromFuture(() -> serverRequest.byteBody().split(ByteBody.SplitBackpressureMode.FASTEST).buffer())
                    .flatMapMany(buffered -> {
                        buffered.close(); // only its size mattered; the original body is forwarded
                        return forward(request, route.get(), tenant.get(), requestId);
                    })
                    .onErrorResume(error -> tooLarge(error)
                            ? Flux.<MutableHttpResponse<?>>just(tooLarge(maxRequestSize).header(REQUEST_ID_HEADER, requestId))
                            : Flux.error(error));
        }
        return forward(request, route.get(), tenant.get(), requestId);
    }

    /** The gateway's own {@code /v1} resources: API keys and the admin door. Everything else is a service's. */
    public static boolean servedHere(String rawPath) {
        for (String prefix : new String[]{"/v1/api-keys", "/v1/admin"}) {
            if (rawPath.equals(prefix) || rawPath.startsWith(prefix + "/")) {
                return true;
            }
        }
        return false;
    }

    private Flux<MutableHttpResponse<?>> forward(HttpRequest<?> request, ServiceRoutes.Route route, Tenant tenant,
                                                 String requestId) {
        // a refused connect sent nothing, so another replica may take the request, but only if the
        // body can be sent again: none at all, or one already received whole (JSON, see StrictInputFilter)
        int attempts = replayable(request) ? route.upstream().replicas().size() : 1;
        return attempt(request, route, tenant, requestId, attempts);
    }

    private Flux<MutableHttpResponse<?>> attempt(HttpRequest<?> request, ServiceRoutes.Route route, Tenant tenant,
                                                 String requestId, int attemptsLeft) {
        URI replica = route.upstream().choose();
        MutableHttpRequest<?> forwarded = request.mutate().uri(target(replica, request.getUri()));
        forwarded.getHeaders()
                .remove(HttpHeaders.AUTHORIZATION)
                .remove(ApiKeyAuthFilter.API_KEY_HEADER)
                .remove(InternalTokens.HEADER)
                .set(InternalTokens.HEADER, tokens.sign(tenant))
                .set(REQUEST_ID_HEADER, requestId);
        return Flux.from(client.proxy(forwarded))
                .<MutableHttpResponse<?>>map(response -> {
                    route.upstream().answered(replica);
                    if (!response.getHeaders().contains(REQUEST_ID_HEADER)) {
                        response.header(REQUEST_ID_HEADER, requestId);
                    }
                    return response;
                })
                .onErrorResume(error -> {
                    if (connectFailed(error)) {
                        route.upstream().connectFailed(replica);
                        if (attemptsLeft > 1) {
                            LOG.info("{} replica {} refused the connection; trying another (request {})",
                                    route.service(), replica, requestId);
                            return attempt(request, route, tenant, requestId, attemptsLeft - 1);
                        }
                    }
                    return Flux.<MutableHttpResponse<?>>just(failure(route, request, requestId, error));
                });
    }

    /** Whether the request can be sent a second time: it has no body, or its JSON body was received whole. */
    private static boolean replayable(HttpRequest<?> request) {
        boolean noBody = request.getContentLength() == 0
                || request.getContentLength() < 0 && !request.getHeaders().contains(HttpHeaders.TRANSFER_ENCODING);
        if (noBody) {
            return true;
        }
        return !UPLOAD_PATHS.contains(request.getUri().getRawPath())
                && request.getContentType().map(StrictInputFilter::isJson).orElse(false);
    }

    /** The replica could not be reached at all (refused, unreachable, connect timeout): nothing was sent. */
    private static boolean connectFailed(Throwable error) {
        return find(error, java.net.ConnectException.class) != null
                || find(error, io.netty.channel.ConnectTimeoutException.class) != null;
    }

    private MutableHttpResponse<?> failure(ServiceRoutes.Route route, HttpRequest<?> request, String requestId,
                                           Throwable error) {
        MutableHttpResponse<?> response;
        if (tooLarge(error)) {
            response = tooLarge(UPLOAD_PATHS.contains(request.getUri().getRawPath()) ? maxUploadSize : maxRequestSize);
        } else if (find(error, ReadTimeoutException.class) != null) {
            LOG.warn("{} did not answer {} {} in time (request {})", route.service(), request.getMethodName(),
                    request.getPath(), requestId);
            response = problem(Problem.of(504, "Gateway Timeout", "upstream_timeout",
                    "The " + route.service() + " did not answer in time", true));
        } else if (clientGone(request, error)) {
            // the caller hung up (or stopped sending its body): nothing is wrong with the service
            LOG.info("client closed the connection before {} answered {} {} (request {})", route.service(),
                    request.getMethodName(), request.getPath(), requestId);
            // never delivered (nobody is listening); a 4xx so no proxy in front counts it as a server error
            response = problem(Problem.of(400, "Bad Request", "client_closed_request",
                    "The client closed the connection", false));
        } else {
            LOG.warn("{} unreachable for {} {} (request {}): {}", route.service(), request.getMethodName(),
                    request.getPath(), requestId, error.toString());
            response = problem(Problem.of(503, "Service Unavailable", "service_unavailable",
                    "The " + route.service() + " is unavailable; retry shortly", true));
        }
        return response.header(REQUEST_ID_HEADER, requestId);
    }

    /** Whether the failure is the caller's doing: its connection is gone, or its body was dropped mid-way. */
    private static boolean clientGone(HttpRequest<?> request, Throwable error) {
        if (find(error, ByteBody.BodyDiscardedException.class) != null) {
            return true;
        }
        // an I/O failure the HTTP client did not raise comes from our side of the exchange: the
        // caller's connection (e.g. "Connection reset" while its body was still streaming in);
        // every failure of the service's connection reaches us as an HttpClientException
        if (find(error, io.micronaut.http.client.exceptions.HttpClientException.class) == null
                && find(error, java.io.IOException.class) != null) {
            return true;
        }
        return request instanceof io.micronaut.http.server.netty.NettyHttpRequest<?> netty
                && !netty.getChannelHandlerContext().channel().isActive();
    }

    private static boolean tooLarge(Throwable error) {
        HttpStatusException status = find(error, HttpStatusException.class);
        return find(error, ContentLengthExceededException.class) != null
                || find(error, BufferLengthExceededException.class) != null
                || status != null && status.getStatus() == HttpStatus.REQUEST_ENTITY_TOO_LARGE;
    }

    private static MutableHttpResponse<?> tooLarge(long limit) {
        return problem(Problem.of(413, "Payload Too Large", "payload_too_large",
                "Request bodies are limited to " + limit + " bytes", false));
    }

    private static MutableHttpResponse<Problem> problem(Problem problem) {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(problem.status()))
                .contentType(Problem.MEDIA_TYPE)
                .body(problem);
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * The service's URL for this request, built from the raw (still encoded) path and query so they
     * reach the service byte for byte: a UriBuilder would re-encode them ({@code %20} → {@code +}).
     */
    static URI target(URI base, URI requested) {
        String basePath = base.getRawPath() == null ? "" : base.getRawPath();
        if (basePath.endsWith("/")) {
            basePath = basePath.substring(0, basePath.length() - 1);
        }
        String query = requested.getRawQuery();
        return URI.create(base.getScheme() + "://" + base.getRawAuthority() + basePath + requested.getRawPath()
                + (query == null ? "" : "?" + query));
    }
}
