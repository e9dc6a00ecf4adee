package dev.runloom.gateway.idempotency;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.auth.ApiKeyAuthFilter;
import dev.runloom.gateway.routing.ProxyFilter;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.ByteBodyHttpResponse;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.ServerHttpRequest;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.body.ByteBody;
import io.micronaut.http.body.CloseableAvailableByteBody;
import io.micronaut.http.filter.HttpServerFilter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import jakarta.inject.Named;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import io.micronaut.http.netty.NettyHttpResponseBuilder;
import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.regex.Pattern;

/**
 * {@code Idempotency-Key} on every {@code POST} under {@code /v1} that a service answers (creating
 * records, flows, schedules, agents; run-on-record-type, schedule run, agent execute, batch
 * submit …): the first request with a key executes and its answer (status, content type, body) is
 * kept 24 h per organization; a retry with the same key and the same request (method, path, query,
 * content type, body — compared by SHA-256) gets that answer again, marked
 * {@code Idempotent-Replayed: true}, without reaching the service. Same key, different request → 422
 * {@code idempotency_key_reused}; same key while the first is still running → 409
 * {@code idempotency_key_in_use} (retryable). Answers that are not final — 5xx, 429 — and streams
 * ({@code text/event-stream}) are not kept, so a retry executes again. The gateway's own
 * {@code /v1/api-keys} and {@code /v1/admin} ignore the header: their answers carry key material,
 * which is never stored.
 */
@Filter("/v1/**")
public class IdempotencyFilter implements HttpServerFilter {
    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    /** Printable ASCII, 1–255 characters: UUIDs, ULIDs and the like; nothing that could smuggle control characters. */
    private static final Pattern VALID_KEY = Pattern.compile("[\\x21-\\x7E]{1,255}");
    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyFilter.class);

    private final IdempotencyService idempotency;
    private final JsonMapper json;
    private final Scheduler blocking;

    public IdempotencyFilter(IdempotencyService idempotency, JsonMapper json,
                             @Named(TaskExecutors.BLOCKING) ExecutorService blockingExecutor) {
        this.idempotency = idempotency;
        this.json = json;
        this.blocking = Schedulers.fromExecutorService(blockingExecutor);
    }

    /** After authentication (the organization is known), before the proxy. */
    @Override
    public int getOrder() {
        return ServerFilterPhase.RENDERING.order();
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        String key = request.getHeaders().get(HEADER);
        String rawPath = request.getUri().getRawPath();
        if (key == null || request.getMethod() != HttpMethod.POST || ProxyFilter.servedHere(rawPath)) {
            return chain.proceed(request);
        }
        Optional<Tenant> tenant = request.getAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE, Tenant.class);
        if (tenant.isEmpty() || !(request instanceof ServerHttpRequest<?> serverRequest)) {
            return chain.proceed(request);
        }
        if (!VALID_KEY.matcher(key).matches()) {
            return Publishers.just(problem(400, "Bad Request", "invalid_idempotency_key",
                    "Header 'Idempotency-Key' must be 1 to 255 printable ASCII characters", false));
        }
        String organizationId = tenant.get().organizationId();
        return Mono.fromFuture(() -> serverRequest.byteBody().split(ByteBody.SplitBackpressureMode.FASTEST).buffer())
                .map(buffered -> Optional.of(bytes(buffered)))
                // a body that cannot be received (over the size limit) is the proxy's to answer (413)
                .onErrorResume(error -> Mono.just(Optional.empty()))
                .publishOn(blocking)
                .flatMapMany(body -> body.isEmpty()
                        ? Flux.from(chain.proceed(request))
                        : decide(request, chain, organizationId, key, rawPath, fingerprint(request, body.get())));
    }

    private Flux<MutableHttpResponse<?>> decide(HttpRequest<?> request, ServerFilterChain chain, String organizationId,
                                                String key, String rawPath, String fingerprint) {
        IdempotencyService.Outcome outcome;
        try {
            outcome = idempotency.begin(organizationId, key, fingerprint, request.getMethodName(), rawPath);
        } catch (RuntimeException e) {
            LOG.warn("cannot read idempotency keys: {}", e.toString());
            return Flux.just(problem(503, "Service Unavailable", "service_unavailable",
                    "Idempotency keys cannot be checked right now; retry shortly", true));
        }
        return switch (outcome) {
            case IdempotencyService.Execute ignored -> execute(request, chain, organizationId, key, fingerprint);
            case IdempotencyService.Replay replay -> Flux.just(replay(replay));
            case IdempotencyService.InProgress ignored -> Flux.just(problem(409, "Conflict",
                    "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed;"
                            + " retry shortly", true));
            case IdempotencyService.Mismatch ignored -> Flux.just(problem(422, "Unprocessable Content",
                    "idempotency_key_reused", "This Idempotency-Key was used for a different request"
                            + " (method, path or body) in the last 24 hours", false));
        };
    }

    private Flux<MutableHttpResponse<?>> execute(HttpRequest<?> request, ServerFilterChain chain, String organizationId,
                                                 String key, String fingerprint) {
        return Flux.from(chain.proceed(request))
                .concatMap(response -> keep(response, organizationId, key, fingerprint))
                .doOnError(error -> releaseQuietly(organizationId, key, fingerprint))
                .doOnCancel(() -> releaseQuietly(organizationId, key, fingerprint));
    }

    /** Stores a final answer and hands the client the same bytes; releases the key for anything else. */
    private Mono<MutableHttpResponse<?>> keep(MutableHttpResponse<?> response, String organizationId, String key,
                                              String fingerprint) {
        int status = response.code();
        String contentType = response.getContentType().map(MediaType::toString).orElse(null);
        boolean stream = contentType != null && contentType.startsWith(MediaType.TEXT_EVENT_STREAM);
        if (status >= 500 || status == 429 || stream) {
            return Mono.fromRunnable(() -> idempotency.release(organizationId, key, fingerprint))
                    .subscribeOn(blocking).thenReturn(response);
        }
        Mono<byte[]> body;
        MutableHttpResponse<?> answer;
        if (response instanceof NettyHttpResponseBuilder netty && netty.isStream()) {
            // a proxied answer streams from the service: read it whole (it is final and bounded by
            // what the service sends for a create/start), then hand the client the same bytes
            body = Flux.from(netty.toStreamHttpResponse())
                    .reduce(new ByteArrayOutputStream(), (out, content) -> {
                        try {
                            ByteBuf buf = content.content();
                            buf.readBytes(out, buf.readableBytes());
                            return out;
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        } finally {
                            content.release();
                        }
                    })
                    .map(ByteArrayOutputStream::toByteArray);
            answer = null; // rebuilt below: the streamed body has been consumed
        } else if (response instanceof ByteBodyHttpResponse<?> streamed) {
            body = Mono.fromFuture(streamed.byteBody().buffer()).map(IdempotencyFilter::bytes);
            answer = null;
        } else {
            body = Mono.fromCallable(() -> objectBytes(response.getBody().orElse(null)));
            answer = response;
        }
        return body.publishOn(blocking).map(bytes -> {
            idempotency.complete(organizationId, key, fingerprint, status, contentType, bytes);
            return answer != null ? answer : copy(response, bytes);
        });
    }

    private byte[] objectBytes(Object body) throws IOException {
        if (body == null) {
            return new byte[0];
        }
        if (body instanceof byte[] bytes) {
            return bytes;
        }
        if (body instanceof CharSequence text) {
            return text.toString().getBytes(StandardCharsets.UTF_8);
        }
        return json.writeValueAsBytes(body);
    }

    private static MutableHttpResponse<?> copy(MutableHttpResponse<?> response, byte[] body) {
        MutableHttpResponse<byte[]> copy = HttpResponse.<byte[]>status(HttpStatus.OK).status(response.code());
        response.getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase(HttpHeaders.CONTENT_LENGTH) && !name.equalsIgnoreCase(HttpHeaders.TRANSFER_ENCODING)) {
                values.forEach(value -> copy.getHeaders().add(name, value));
            }
        });
        return copy.body(body);
    }

    private static MutableHttpResponse<?> replay(IdempotencyService.Replay replay) {
        MutableHttpResponse<byte[]> response = HttpResponse.<byte[]>status(HttpStatus.OK).status(replay.status())
                .header(REPLAYED_HEADER, "true");
        if (replay.contentType() != null) {
            response.header(HttpHeaders.CONTENT_TYPE, replay.contentType());
        }
        return response.body(replay.body());
    }

    private void releaseQuietly(String organizationId, String key, String fingerprint) {
        Mono.fromRunnable(() -> idempotency.release(organizationId, key, fingerprint)).subscribeOn(blocking)
                .subscribe(null, error -> LOG.warn("could not release an idempotency key: {}", error.toString()));
    }

    private static byte[] bytes(CloseableAvailableByteBody body) {
        try (body) {
            return body.toByteArray();
        }
    }

    /** SHA-256 over what makes two requests "the same": method, raw path and query, content type, body. */
    static String fingerprint(HttpRequest<?> request, byte[] body) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            String head = request.getMethodName() + " " + request.getUri().getRawPath() + "?"
                    + Optional.ofNullable(request.getUri().getRawQuery()).orElse("") + "\n"
                    + request.getContentType().map(MediaType::toString).orElse("") + "\n";
            digest.update(head.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static MutableHttpResponse<Problem> problem(int status, String title, String code, String detail,
                                                        boolean retryable) {
        return HttpResponse.<Problem>status(HttpStatus.valueOf(status)).contentType(Problem.MEDIA_TYPE)
                .body(Problem.of(status, title, code, detail, retryable));
    }

}
