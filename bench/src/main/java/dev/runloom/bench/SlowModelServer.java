package dev.runloom.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for a slow LLM provider, for benchmarks: a real HTTP server on loopback speaking OpenAI's
 * {@code POST /v1/chat/completions}, answering every call after a fixed latency with a completion and
 * its usage tokens. Each exchange runs on its own virtual thread, so the server itself never limits
 * concurrency (the sleeping calls cost no platform thread). It counts the calls, the most it held at
 * once, and the time it was busy (the sum of the calls' durations), so a scenario can tell how
 * concurrent the platform's calls really were.
 *
 * <p>(test-support's {@code FakeModelServer} is a scripted test double that keeps every request; the
 * bench does not depend on the test-support module and its test libraries.)
 */
final class SlowModelServer implements AutoCloseable {
    private static final byte[] ANSWER = """
            {"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-slow",
             "choices":[{"index":0,"message":{"role":"assistant","content":"qualified"},"finish_reason":"stop"}],
             "usage":{"prompt_tokens":12,"completion_tokens":3,"total_tokens":15}}""".getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;
    private final ExecutorService exchanges = Executors.newVirtualThreadPerTaskExecutor();
    private final long latencyMs;
    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong otherRequests = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();
    private final AtomicLong busyNanos = new AtomicLong();
    private final AtomicLong firstCallNanos = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastAnswerNanos = new AtomicLong(Long.MIN_VALUE);

    SlowModelServer(long latencyMs) throws IOException {
        this.latencyMs = latencyMs;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setExecutor(exchanges);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The provider's base URL, up to and including {@code /v1}. */
    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            body.readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod()) || !exchange.getRequestURI().getPath().endsWith("/chat/completions")) {
                otherRequests.incrementAndGet();
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            long start = System.nanoTime();
            calls.incrementAndGet();
            firstCallNanos.accumulateAndGet(start, Math::min);
            maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                Thread.sleep(latencyMs);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, ANSWER.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(ANSWER);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                inFlight.decrementAndGet();
                long end = System.nanoTime();
                busyNanos.addAndGet(end - start);
                lastAnswerNanos.accumulateAndGet(end, Math::max);
            }
        }
    }

    /** Forgets everything counted so far (after a probe call). */
    void reset() {
        calls.set(0);
        otherRequests.set(0);
        maxInFlight.set(inFlight.get());
        busyNanos.set(0);
        firstCallNanos.set(Long.MAX_VALUE);
        lastAnswerNanos.set(Long.MIN_VALUE);
    }

    long calls() {
        return calls.get();
    }

    /** Requests that were not chat completions (answered 404). */
    long otherRequests() {
        return otherRequests.get();
    }

    int inFlight() {
        return inFlight.get();
    }

    int maxInFlight() {
        return maxInFlight.get();
    }

    /** Sum of every call's time in the server, in seconds. */
    double busySeconds() {
        return busyNanos.get() / 1e9;
    }

    /** {@link System#nanoTime()} of the first call since the last reset; {@code Long.MAX_VALUE} if none. */
    long firstCallNanos() {
        return firstCallNanos.get();
    }

    /** {@link System#nanoTime()} of the last answer since the last reset; {@code Long.MIN_VALUE} if none. */
    long lastAnswerNanos() {
        return lastAnswerNanos.get();
    }

    @Override
    public void close() {
        server.stop(0);
        exchanges.shutdownNow();
    }
}
