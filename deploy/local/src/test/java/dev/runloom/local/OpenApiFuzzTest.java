package dev.runloom.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drives every {@code /v1} operation of the public OpenAPI document (so new routes are fuzzed without
 * changes here) with malformed input of every class in /work/shared/spec/BAD-INPUTS.md that applies
 * over HTTP — see {@link FuzzCases} — through the real gateway and services, on loopback only, with
 * real ids of an organization where a path wants one. Every answer must be below 500, and every 4xx
 * an {@code application/problem+json} body. At least {@value #MIN_REQUESTS} requests, in parallel,
 * within {@link #BUDGET}. A failure prints each failing request (class, method, path, body excerpt,
 * status, answer) and a count per class and route.
 */
@ExtendWith(SecurityPlatform.class)
class OpenApiFuzzTest {
    static final int MIN_REQUESTS = 10_000;
    static final Duration BUDGET = Duration.ofSeconds(150);
    static final int CLIENTS = 8;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).executor(Executors.newFixedThreadPool(4)).build();

    /**
     * Bad input that no route may accept (issue 10, deliverable 5: strict JSON, no coercion, NUL and lone
     * surrogates refused, Content-Type required on bodies, 413/414/431): a 2xx or 3xx to one of these is a
     * failure too, reported as "accepted". Body classes apply to operations that take a body.
     */
    static final java.util.Set<String> MUST_REFUSE_BODY = java.util.Set.of(
            "body:json-truncated", "body:json-trailing-garbage", "body:json-two-documents", "body:json-two-objects",
            "body:json-comment", "body:json-single-quotes", "body:json-nan", "body:json-infinity", "body:json-duplicate-key",
            "body:json-raw-nul", "body:json-escaped-nul", "body:json-lone-surrogate", "body:json-lone-low-surrogate",
            "body:json-unterminated-string", "body:json-bad-escape",
            "http:no-content-type", "http:text-plain", "http:xml", "http:non-utf8-body");
    static final java.util.Set<String> MUST_REFUSE_ANY = java.util.Set.of(
            "path:nul", "path:nul-inside", "path:lone-surrogate", "path:non-utf8", "path-real-others:nul",
            "path-real-others:nul-inside", "path-real-others:lone-surrogate", "path-real-others:non-utf8",
            "auth:no-key", "auth:malformed-key");
    /** Applies where the operation documents its body's properties (one of them carries the value). */
    static final java.util.Set<String> MUST_REFUSE_FIELD = java.util.Set.of("field:nul", "field:lone-surrogate");
    /** Exact statuses where the HTTP class has one right answer. */
    static final Map<String, Integer> EXACT_STATUS = Map.of(
            "http:oversized-body", 413, "http:long-url", 414, "http:long-header", 431);

    /** Why this answer is wrong for this request beyond "5xx or not a problem", or null. */
    static String refusalMissed(FuzzCases.Case c, int status) {
        Integer exact = EXACT_STATUS.get(c.badClass());
        if (exact != null && (c.operation().takesBody() || !c.badClass().equals("http:oversized-body"))) {
            return status == exact ? null : "expected " + exact;
        }
        boolean mustRefuse = MUST_REFUSE_ANY.contains(c.badClass())
                || c.operation().takesBody() && MUST_REFUSE_BODY.contains(c.badClass())
                || c.operation().takesBody() && !c.operation().bodyProperties().isEmpty() && MUST_REFUSE_FIELD.contains(c.badClass());
        return mustRefuse && status < 400 ? "accepted" : null;
    }

    record Failure(FuzzCases.Case request, int status, String contentType, String answer) {
        String describe() {
            FuzzCases.Case c = request;
            String body = c.body() == null ? "" : new String(c.body(), 0, Math.min(c.body().length, 120), StandardCharsets.UTF_8);
            return "[" + c.badClass() + "] " + c.method() + " " + excerpt(c.pathAndQuery(), 160) + " body=" + excerpt(body, 120)
                    + (c.contentType() == null ? " (no Content-Type)" : " (" + c.contentType() + ")")
                    + " -> " + status + " " + contentType + " " + excerpt(answer, 300);
        }

        String group() {
            String cls = request.badClass().startsWith("combo") ? "combo" : request.badClass();
            String why = status < 0 ? "no answer" : status >= 500 ? String.valueOf(status)
                    : contentType.contains("(") ? status + " " + contentType.substring(contentType.indexOf('('))
                    : status + (status >= 400 ? " not problem+json" : "");
            return request.operation() + " | " + cls + " | " + why;
        }
    }

    @Test
    void everyRouteAnswersMalformedInputWithAProblemNeverA5xx() throws Exception {
        SecurityPlatform platform = SecurityPlatform.get();
        OpenApiDocument document = OpenApiDocument.load(platform.gatewayUrl());
        assertThat(document.apiOperations()).as("operations in the OpenAPI document").hasSizeGreaterThan(10);
        OrgResources resources = OrgResources.create(new Api(platform.gatewayUrl(), platform.keyA()), "fuzz");
        List<FuzzCases.Case> cases = new FuzzCases(document, resources, 20260101L).generate(MIN_REQUESTS + 500);

        ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        Map<Integer, AtomicInteger> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
        AtomicInteger sent = new AtomicInteger();
        Instant started = Instant.now();
        Instant deadline = started.plus(BUDGET);
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        AtomicInteger next = new AtomicInteger();
        for (int i = 0; i < CLIENTS; i++) {
            clients.submit(() -> {
                int index;
                while ((index = next.getAndIncrement()) < cases.size() && Instant.now().isBefore(deadline)) {
                    FuzzCases.Case c = cases.get(index);
                    Failure failure = send(platform, c, statuses);
                    sent.incrementAndGet();
                    if (failure != null) {
                        failures.add(failure);
                    }
                }
            });
        }
        clients.shutdown();
        assertThat(clients.awaitTermination(BUDGET.toSeconds() + 60, TimeUnit.SECONDS)).isTrue();

        Map<String, Integer> byGroup = new TreeMap<>();
        failures.forEach(f -> byGroup.merge(f.group(), 1, Integer::sum));
        StringBuilder report = new StringBuilder();
        report.append(sent.get()).append(" requests over ").append(document.apiOperations().size()).append(" operations in ")
                .append(Duration.between(started, Instant.now()).toSeconds()).append(" s, ").append(failures.size()).append(" failed\n");
        report.append("statuses: ").append(statuses).append('\n');
        byGroup.forEach((group, count) -> report.append("  ").append(count).append(" x ").append(group).append('\n'));
        System.out.println(report);
        failures.forEach(f -> System.out.println(f.describe()));

        List<String> examples = new ArrayList<>();
        failures.stream().limit(40).forEach(f -> examples.add(f.describe()));
        assertThat(failures).as(report + "first failing requests (all in the test's output):\n" + String.join("\n", examples)).isEmpty();
        assertThat(sent.get()).as("requests sent within " + BUDGET).isGreaterThanOrEqualTo(MIN_REQUESTS);
        // a rate limit answering most of the run with 429 would leave the routes unexercised: the security
        // platform's keys must have a budget above this suite's rate (about 15,000 requests in a minute)
        int throttled = statuses.getOrDefault(429, new AtomicInteger()).get();
        assertThat(throttled).as("429 answers (raise the rate limits of the security platform's keys)").isLessThan(sent.get() / 20);
    }

    private Failure send(SecurityPlatform platform, FuzzCases.Case c, Map<Integer, AtomicInteger> statuses) {
        Failure failure = sendOnce(http, platform, c, statuses);
        if (failure != null && failure.status() < 0) {
            // A pooled connection the server had just closed (after refusing an oversized request on it)
            // fails without an answer: send once more on a fresh connection. A request that itself breaks
            // the connection fails again and is reported.
            HttpClient fresh = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            failure = sendOnce(fresh, platform, c, statuses);
            fresh.close();
        }
        return failure;
    }

    private static Failure sendOnce(HttpClient http, SecurityPlatform platform, FuzzCases.Case c,
                                    Map<Integer, AtomicInteger> statuses) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(platform.gatewayUrl() + c.pathAndQuery()))
                    .timeout(Duration.ofSeconds(30))
                    .method(c.method(), c.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(c.body()));
            request.header("Authorization", "Bearer " + platform.keyA());
            if (c.contentType() != null) {
                request.header("Content-Type", c.contentType());
            }
            c.headers().forEach(request::setHeader);
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            int status = response.statusCode();
            statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            if (status >= 500 || status >= 400 && !contentType.startsWith("application/problem+json")) {
                return new Failure(c, status, contentType, response.body());
            }
            if (status == 405 && response.headers().firstValue("Allow").isEmpty()) {
                return new Failure(c, status, contentType + " (405 without Allow)", response.body());
            }
            String missed = refusalMissed(c, status);
            if (missed != null) {
                return new Failure(c, status, contentType + " (" + missed + ")", response.body());
            }
            return null;
        } catch (IOException e) {
            return new Failure(c, -1, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failure(c, -1, "", "interrupted");
        } catch (IllegalArgumentException e) {
            // the JDK client refused to build the request: a bug of this test, not of the platform
            throw new IllegalStateException("cannot send " + c.badClass() + " " + c.method() + " " + excerpt(c.pathAndQuery(), 200), e);
        }
    }

    static String excerpt(String text, int max) {
        String flat = text == null ? "" : text.replace("\n", "\\n").replace("\r", "\\r");
        return flat.length() <= max ? flat : flat.substring(0, max) + "…(" + flat.length() + " chars)";
    }
}
