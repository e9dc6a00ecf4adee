package dev.runloom.testsupport;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A TEST DOUBLE for an LLM provider: a real JDK HTTP server on 127.0.0.1 speaking both wire formats
 * the models module uses — OpenAI's {@code POST /v1/chat/completions} and Anthropic's
 * {@code POST /v1/messages} — so tests drive the real LangChain4j clients over HTTP. Each request takes
 * the next scripted {@link Reply} (or the default one), and is recorded with its headers and body.
 */
public final class FakeModelServer implements AutoCloseable {
    private final HttpServer server;
    private final ConcurrentLinkedQueue<Reply> script = new ConcurrentLinkedQueue<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private volatile Reply fallback = Reply.openAi("Hello from the fake provider", 10, 5, 0);

    /** One received request. */
    public record Recorded(String method, String path, Map<String, List<String>> headers, String body, long atNanos) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst()).findFirst().orElse(null);
        }
    }

    /**
     * What to answer: a status, headers, a body — or, for a stream, server-sent events written one
     * by one — after an optional delay.
     */
    public record Reply(int status, Map<String, String> headers, String body, List<String> events, long delayMs) {

        public Reply delayed(long ms) {
            return new Reply(status, headers, body, events, ms);
        }

        public static Reply json(int status, String body) {
            return new Reply(status, Map.of("Content-Type", "application/json"), body, List.of(), 0);
        }

        public static Reply withHeaders(int status, String body, Map<String, String> headers) {
            Map<String, String> all = new java.util.LinkedHashMap<>(headers);
            all.putIfAbsent("Content-Type", "application/json");
            return new Reply(status, Map.copyOf(all), body, List.of(), 0);
        }

        /** An OpenAI chat completion with usage (cached input tokens in prompt_tokens_details). */
        public static Reply openAi(String text, long promptTokens, long completionTokens, long cachedTokens) {
            return json(200, """
                    {"id":"chatcmpl-1","object":"chat.completion","created":1700000000,"model":"fake-model",
                     "choices":[{"index":0,"message":{"role":"assistant","content":%s},"finish_reason":"stop"}],
                     "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d,
                              "prompt_tokens_details":{"cached_tokens":%d}}}"""
                    .formatted(quote(text), promptTokens, completionTokens, promptTokens + completionTokens, cachedTokens));
        }

        /** An OpenAI answer asking for one tool call. */
        public static Reply openAiToolCall(String callId, String tool, String argumentsJson) {
            return json(200, """
                    {"id":"chatcmpl-2","object":"chat.completion","created":1700000000,"model":"fake-model",
                     "choices":[{"index":0,"message":{"role":"assistant","content":null,
                       "tool_calls":[{"id":%s,"type":"function","function":{"name":%s,"arguments":%s}}]},
                       "finish_reason":"tool_calls"}],
                     "usage":{"prompt_tokens":20,"completion_tokens":7,"total_tokens":27}}"""
                    .formatted(quote(callId), quote(tool), quote(argumentsJson)));
        }

        /** An OpenAI stream: one chunk per delta, then a usage chunk and {@code [DONE]}. */
        public static Reply openAiStream(List<String> deltas, long promptTokens, long completionTokens) {
            List<String> events = new ArrayList<>();
            for (String delta : deltas) {
                events.add("""
                        {"id":"c","object":"chat.completion.chunk","created":1,"model":"fake-model",\
                        "choices":[{"index":0,"delta":{"content":%s},"finish_reason":null}]}""".formatted(quote(delta)));
            }
            events.add("""
                    {"id":"c","object":"chat.completion.chunk","created":1,"model":"fake-model",\
                    "choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}""");
            events.add("""
                    {"id":"c","object":"chat.completion.chunk","created":1,"model":"fake-model","choices":[],\
                    "usage":{"prompt_tokens":%d,"completion_tokens":%d,"total_tokens":%d}}"""
                    .formatted(promptTokens, completionTokens, promptTokens + completionTokens));
            events.add("[DONE]");
            return new Reply(200, Map.of("Content-Type", "text/event-stream"), "", List.copyOf(events), 0);
        }

        /** An Anthropic stream (named events, as Anthropic sends them): one text delta per element. */
        public static Reply anthropicStream(List<String> deltas, long inputTokens, long outputTokens) {
            List<String> events = new ArrayList<>();
            events.add(event("message_start", """
                    {"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant",\
                    "model":"claude-fake","content":[],"stop_reason":null,"usage":{"input_tokens":%d,"output_tokens":1}}}"""
                    .formatted(inputTokens)));
            events.add(event("content_block_start",
                    "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
            for (String delta : deltas) {
                events.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
                        + "\"delta\":{\"type\":\"text_delta\",\"text\":" + quote(delta) + "}}"));
            }
            events.add(event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"));
            events.add(event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                    + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":" + outputTokens + "}}"));
            events.add(event("message_stop", "{\"type\":\"message_stop\"}"));
            return new Reply(200, Map.of("Content-Type", "text/event-stream"), "", List.copyOf(events), 0);
        }

        private static String event(String name, String data) {
            return "event: " + name + "\ndata: " + data;
        }

        /** Headers and the first bytes of a body, then nothing for {@code ms}: a provider stalling mid-answer. */
        /**
         * This reply, sent slowly: status and headers at once, then a space every 20 ms for {@code ms}
         * (JSON allows leading whitespace), then the body. A client that hangs up meanwhile makes a write
         * fail: the request is then counted in {@link FakeModelServer#abandonedByClient()}.
         */
        public Reply trickled(long ms) {
            Map<String, String> h = new java.util.HashMap<>(headers);
            h.put("X-Trickle-Ms", Long.toString(ms));
            return new Reply(status, Map.copyOf(h), body, events, delayMs);
        }

        public static Reply stallingBody(long ms) {
            return new Reply(200, Map.of("Content-Type", "application/json", "X-Stall-Ms", Long.toString(ms)),
                    "{\"id\":\"chatcmpl-stall\",\"choices\":[", List.of(), 0);
        }

        /** An Anthropic message with usage (cache reads reported apart from input_tokens, as Anthropic does). */
        public static Reply anthropic(String text, long inputTokens, long outputTokens, long cacheReadTokens) {
            return json(200, """
                    {"id":"msg_1","type":"message","role":"assistant","model":"claude-fake",
                     "content":[{"type":"text","text":%s}],"stop_reason":"end_turn","stop_sequence":null,
                     "usage":{"input_tokens":%d,"output_tokens":%d,"cache_read_input_tokens":%d,
                              "cache_creation_input_tokens":0}}"""
                    .formatted(quote(text), inputTokens, outputTokens, cacheReadTokens));
        }

        /** An Anthropic answer asking for one tool call. */
        public static Reply anthropicToolUse(String id, String tool, String inputJson) {
            return json(200, """
                    {"id":"msg_2","type":"message","role":"assistant","model":"claude-fake",
                     "content":[{"type":"tool_use","id":%s,"name":%s,"input":%s}],"stop_reason":"tool_use",
                     "usage":{"input_tokens":30,"output_tokens":9}}""".formatted(quote(id), quote(tool), inputJson));
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger abandoned = new java.util.concurrent.atomic.AtomicInteger();

    public FakeModelServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-model-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The base URL to configure: {@code http://127.0.0.1:<port>/v1}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    /** Answers the next requests, in order. */
    public FakeModelServer enqueue(Reply... replies) {
        script.addAll(List.of(replies));
        return this;
    }

    /** Answers every request once the script is used up. */
    public FakeModelServer answerByDefault(Reply reply) {
        this.fallback = reply;
        return this;
    }

    /** Requests whose client closed the connection while a {@link Reply#trickled} answer was still being sent. */
    public int abandonedByClient() {
        return abandoned.get();
    }

    public List<Recorded> requests() {
        return List.copyOf(requests);
    }

    public void reset() {
        script.clear();
        requests.clear();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            requests.add(new Recorded(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime()));
            Reply reply = script.poll();
            if (reply == null) {
                reply = fallback;
            }
            if (reply.delayMs() > 0) {
                try {
                    Thread.sleep(reply.delayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            if (!reply.events().isEmpty()) {
                exchange.sendResponseHeaders(reply.status(), 0);
                OutputStream out = exchange.getResponseBody();
                for (String event : reply.events()) {
                    String frame = event.startsWith("event: ") ? event : "data: " + event;
                    out.write((frame + "\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                return;
            }
            byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
            String trickle = reply.headers().get("X-Trickle-Ms");
            if (trickle != null) {
                exchange.sendResponseHeaders(reply.status(), 0);
                OutputStream out = exchange.getResponseBody();
                long until = System.nanoTime() + Long.parseLong(trickle) * 1_000_000;
                try {
                    while (System.nanoTime() < until) {
                        out.write(' ');
                        out.flush();
                        Thread.sleep(20);
                    }
                    out.write(bytes);
                } catch (IOException e) {
                    abandoned.incrementAndGet();
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            String stall = reply.headers().get("X-Stall-Ms");
            if (stall != null) {
                exchange.sendResponseHeaders(reply.status(), bytes.length + 100L);
                exchange.getResponseBody().write(bytes);
                exchange.getResponseBody().flush();
                try {
                    Thread.sleep(Long.parseLong(stall));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        } catch (IOException e) {
            // the client gave up (a timeout test): nothing to answer
        }
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
