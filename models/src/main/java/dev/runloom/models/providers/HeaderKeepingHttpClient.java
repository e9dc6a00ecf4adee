package dev.runloom.models.providers;

import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * LangChain4j's HTTP client SPI over the JDK's {@link java.net.http.HttpClient}, doing what its own
 * JDK client does, plus two things this project needs:
 * <ul>
 *   <li>a non-2xx answer raises {@link ProviderHttpException}, which keeps the response headers, so
 *       the retry policy can honour {@code Retry-After};</li>
 *   <li>the read timeout bounds the <em>whole</em> exchange, body included (the JDK's request timeout
 *       stops at the response headers, so a provider that stalls mid-body would hang a worker), and
 *       for a stream the whole stream.</li>
 * </ul>
 * No retries here: {@link dev.runloom.models.ModelCaller} owns them.
 */
public final class HeaderKeepingHttpClient implements HttpClient {
    /** Wakes stalled streams at their deadline; one daemon thread for the JVM. */
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "model-stream-deadlines");
        t.setDaemon(true);
        return t;
    });

    private final java.net.http.HttpClient jdk;
    private final Duration timeout;

    private HeaderKeepingHttpClient(Builder builder) {
        this.jdk = builder.shared != null ? builder.shared : newJdkClient(builder.connectTimeout);
        this.timeout = builder.readTimeout != null ? builder.readTimeout : Duration.ofSeconds(60);
    }

    /**
     * A JDK client for one provider, shared by its LangChain4j models (one per attempt timeout): the
     * JDK client owns a selector thread and a connection pool, the models are cheap.
     */
    public static java.net.http.HttpClient newJdkClient(Duration connectTimeout) {
        java.net.http.HttpClient.Builder jdkBuilder = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER);
        if (connectTimeout != null) {
            jdkBuilder.connectTimeout(connectTimeout);
        }
        return jdkBuilder.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
        CompletableFuture<HttpResponse<byte[]>> exchange = jdk.sendAsync(toJdk(request), BodyHandlers.ofByteArray());
        HttpResponse<byte[]> response;
        try {
            response = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            exchange.cancel(true);
            throw new TimeoutException("no answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the model provider", e);
        } catch (ExecutionException e) {
            throw unwrap(e.getCause());
        }
        if (response.statusCode() < 200 || response.statusCode() > 299) {
            throw new ProviderHttpException(response.statusCode(), new String(response.body(), StandardCharsets.UTF_8),
                    response.headers());
        }
        return SuccessfulHttpResponse.builder()
                .statusCode(response.statusCode())
                .headers(response.headers().map())
                .body(response.body())
                .build();
    }

    @Override
    public void execute(HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
        AtomicBoolean finished = new AtomicBoolean();
        CompletableFuture<HttpResponse<InputStream>> exchange = jdk.sendAsync(toJdk(request), BodyHandlers.ofInputStream());
        ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            if (finished.compareAndSet(false, true)) {
                exchange.cancel(true);
                exchange.thenAccept(HeaderKeepingHttpClient::closeQuietly);
                safely(() -> listener.onError(new TimeoutException("the stream did not finish within " + timeout.toMillis() + " ms")));
            }
        }, timeout.toMillis(), TimeUnit.MILLISECONDS);
        exchange.whenComplete((response, failure) -> {
            if (failure != null) {
                deadline.cancel(false);
                if (finished.compareAndSet(false, true)) {
                    safely(() -> listener.onError(unwrap(failure)));
                }
                return;
            }
            if (response.statusCode() < 200 || response.statusCode() > 299) {
                deadline.cancel(false);
                String body = readBody(response);
                if (finished.compareAndSet(false, true)) {
                    safely(() -> listener.onError(new ProviderHttpException(response.statusCode(), body, response.headers())));
                }
                return;
            }
            safely(() -> listener.onOpen(SuccessfulHttpResponse.builder()
                    .statusCode(response.statusCode()).headers(response.headers().map()).build()));
            try (InputStream body = response.body()) {
                parser.parse(body, listener);
                deadline.cancel(false);
                if (finished.compareAndSet(false, true)) {
                    safely(listener::onClose);
                }
            } catch (IOException | RuntimeException e) {
                deadline.cancel(false);
                if (finished.compareAndSet(false, true)) {
                    safely(() -> listener.onError(e));
                }
            }
        });
    }

    private java.net.http.HttpRequest toJdk(HttpRequest request) {
        java.net.http.HttpRequest.Builder builder = java.net.http.HttpRequest.newBuilder().uri(URI.create(request.url()));
        request.headers().forEach((name, values) -> {
            if (values != null) {
                values.forEach(value -> builder.header(name, value));
            }
        });
        if (!request.formDataFields().isEmpty() || !request.formDataFiles().isEmpty()) {
            throw new UnsupportedOperationException("multipart requests are not used for chat models");
        }
        builder.method(request.method().name(),
                request.body() != null ? BodyPublishers.ofString(request.body()) : BodyPublishers.noBody());
        // the JDK's own timeout stops waiting for the response headers; ours (above) covers the body
        builder.timeout(timeout);
        return builder.build();
    }

    private RuntimeException unwrap(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof java.net.http.HttpConnectTimeoutException connect) {
            return new UncheckedIOException("connect timed out", connect); // a connection failure, not a slow answer
        }
        if (cause instanceof java.net.http.HttpTimeoutException) {
            return new TimeoutException("no answer within " + timeout.toMillis() + " ms");
        }
        if (cause instanceof RuntimeException re) {
            return re;
        }
        if (cause instanceof IOException io) {
            return new UncheckedIOException(io.getMessage() == null ? io.getClass().getSimpleName() : io.getMessage(), io);
        }
        return new IllegalStateException(cause);
    }

    private static String readBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(the error body could not be read: " + e.getMessage() + ")";
        }
    }

    private static void closeQuietly(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // closing only to free the connection
        }
    }

    private static void safely(Runnable listenerCall) {
        try {
            listenerCall.run();
        } catch (RuntimeException ignored) {
            // a listener's failure must not kill the transport thread; LangChain4j does the same
        }
    }

    /** Per model instance: LangChain4j sets the timeouts from its model builder, then builds. */
    public static final class Builder implements HttpClientBuilder {
        private Duration connectTimeout;
        private Duration readTimeout;
        private java.net.http.HttpClient shared;

        /** Use this JDK client (its connect timeout) instead of building one. */
        public Builder sharing(java.net.http.HttpClient jdkClient) {
            this.shared = jdkClient;
            return this;
        }

        @Override
        public Duration connectTimeout() {
            return connectTimeout;
        }

        @Override
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        @Override
        public Duration readTimeout() {
            return readTimeout;
        }

        @Override
        public Builder readTimeout(Duration timeout) {
            this.readTimeout = timeout;
            return this;
        }

        @Override
        public HeaderKeepingHttpClient build() {
            return new HeaderKeepingHttpClient(this);
        }
    }

}
