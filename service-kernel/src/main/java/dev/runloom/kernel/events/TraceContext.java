package dev.runloom.kernel.events;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The W3C trace context ({@code traceparent}) of the work in progress, so the events it publishes
 * carry it on: the header of the HTTP request being served, or the {@code traceparent} extension
 * of the event being handled. Only well-formed values are passed on.
 */
public final class TraceContext {
    public static final String HEADER = "traceparent";
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    private static final ThreadLocal<String> HANDLED_EVENT = new ThreadLocal<>();

    private TraceContext() {
    }

    /** The active trace context, or null when the current work has none. */
    public static @Nullable String current() {
        String handled = HANDLED_EVENT.get();
        if (handled != null) {
            return handled;
        }
        Optional<HttpRequest<Object>> request = ServerRequestContext.currentRequest();
        return request.map(r -> r.getHeaders().get(HEADER)).map(TraceContext::validOrNull).orElse(null);
    }

    /** Runs {@code work} with the trace context of an event being handled (null: none). */
    public static <X extends Exception> void whileHandling(@Nullable String traceparent, ThrowingRunnable<X> work) throws X {
        String valid = validOrNull(traceparent);
        if (valid == null) {
            work.run();
            return;
        }
        String outer = HANDLED_EVENT.get();
        HANDLED_EVENT.set(valid);
        try {
            work.run();
        } finally {
            HANDLED_EVENT.set(outer);
        }
    }

    public static @Nullable String validOrNull(@Nullable String value) {
        if (value == null || !TRACEPARENT.matcher(value).matches() || value.startsWith("ff")) {
            return null;
        }
        // all-zero trace and parent ids are invalid (W3C Trace Context §3.2.2.3, §3.2.2.4)
        boolean zeroTrace = value.substring(3, 35).chars().allMatch(c -> c == '0');
        boolean zeroParent = value.substring(36, 52).chars().allMatch(c -> c == '0');
        return zeroTrace || zeroParent ? null : value;
    }

    @FunctionalInterface
    public interface ThrowingRunnable<X extends Exception> {
        void run() throws X;
    }
}
