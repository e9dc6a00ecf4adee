package dev.runloom.kernel.events;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.context.ServerRequestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link TraceContext}: W3C traceparent validation and the per-thread context of the event being handled. */
class TraceContextTest {
    private static final String OUTER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String INNER = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";

    @AfterEach
    void nothingLeaks() {
        assertThat(TraceContext.current()).as("trace context leaked out of the test").isNull();
    }

    @Test
    void acceptsWellFormedTraceparent() {
        assertThat(TraceContext.validOrNull(OUTER)).isEqualTo(OUTER);
        assertThat(TraceContext.validOrNull(INNER)).isEqualTo(INNER);
    }

    @Test
    void acceptsFutureVersionsBelowFf() {
        String v1 = "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        assertThat(TraceContext.validOrNull(v1)).isEqualTo(v1);
    }

    @Test
    void rejectsVersionFf() {
        assertThat(TraceContext.validOrNull("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isNull();
    }

    @Test
    void rejectsUppercaseHex() {
        assertThat(TraceContext.validOrNull("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")).isNull();
        assertThat(TraceContext.validOrNull("00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01")).isNull();
    }

    @Test
    void rejectsMalformedValues() {
        List<String> malformed = List.of(
                "",
                "garbage",
                "00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01",     // trace id one digit short
                "00-4bf92f3577b34da6a3ce929d0e0e47366-00f067aa0ba902b7-01",   // trace id one digit long
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b-01",     // parent id short
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1",      // flags short
                "0-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",      // version short
                "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",     // wrong separators
                "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",    // not hex
                " " + OUTER,
                OUTER + " ",
                OUTER + "\n");
        for (String value : malformed) {
            assertThat(TraceContext.validOrNull(value)).as("[" + value + "]").isNull();
        }
    }

    @Test
    void nullIsNull() {
        assertThat(TraceContext.validOrNull(null)).isNull();
    }

    @Test
    void rejectsAllZeroIds() {
        assertThat(TraceContext.validOrNull("00-00000000000000000000000000000000-00f067aa0ba902b7-01")).isNull();
        assertThat(TraceContext.validOrNull("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")).isNull();
    }

    @Test
    void noContextOutsideHandlingAndRequests() {
        assertThat(TraceContext.current()).isNull();
    }

    @Test
    void whileHandlingSetsCurrent() {
        AtomicReference<String> seen = new AtomicReference<>();
        TraceContext.whileHandling(OUTER, () -> seen.set(TraceContext.current()));
        assertThat(seen).hasValue(OUTER);
    }

    @Test
    void whileHandlingClearsAfterwards() {
        TraceContext.whileHandling(OUTER, () -> { });
        assertThat(TraceContext.current()).isNull();
    }

    @Test
    void nestedHandlingRestoresTheOuterValue() {
        List<String> seen = new ArrayList<>();
        TraceContext.whileHandling(OUTER, () -> {
            seen.add(TraceContext.current());
            TraceContext.whileHandling(INNER, () -> seen.add(TraceContext.current()));
            seen.add(TraceContext.current());
        });
        assertThat(seen).containsExactly(OUTER, INNER, OUTER);
    }

    @Test
    void outerValueIsRestoredWhenTheWorkThrows() {
        List<String> seen = new ArrayList<>();
        TraceContext.whileHandling(OUTER, () -> {
            assertThatThrownBy(() -> TraceContext.whileHandling(INNER, () -> {
                throw new IllegalStateException("handler failed");
            })).isInstanceOf(IllegalStateException.class).hasMessage("handler failed");
            seen.add(TraceContext.current());
        });
        assertThat(seen).containsExactly(OUTER);
    }

    @Test
    void contextIsClearedWhenTheWorkThrowsACheckedException() {
        assertThatThrownBy(() -> TraceContext.whileHandling(OUTER, () -> {
            throw new java.io.IOException("disk full");
        })).isInstanceOf(java.io.IOException.class);
        assertThat(TraceContext.current()).isNull();
    }

    @Test
    void invalidTraceparentIsNotMadeCurrent() {
        AtomicReference<String> seen = new AtomicReference<>("unset");
        TraceContext.whileHandling("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                () -> seen.set(TraceContext.current()));
        assertThat(seen.get()).isNull();
    }

    @Test
    void workRunsExactlyOnceWithOrWithoutContext() {
        int[] runs = {0};
        TraceContext.whileHandling(null, () -> runs[0]++);
        TraceContext.whileHandling("bad", () -> runs[0]++);
        TraceContext.whileHandling(OUTER, () -> runs[0]++);
        assertThat(runs[0]).isEqualTo(3);
    }

    @Test
    void contextIsPerThread() throws Exception {
        AtomicReference<String> otherThread = new AtomicReference<>("unset");
        TraceContext.whileHandling(OUTER, () -> {
            Thread t = new Thread(() -> otherThread.set(TraceContext.current()));
            t.start();
            t.join();
        });
        assertThat(otherThread.get()).isNull();
    }

    @Test
    void currentReadsTheHeaderOfTheRequestBeingServed() {
        AtomicReference<String> seen = new AtomicReference<>();
        ServerRequestContext.with(HttpRequest.GET("/x").header(TraceContext.HEADER, OUTER),
                () -> seen.set(TraceContext.current()));
        assertThat(seen).hasValue(OUTER);
    }

    @Test
    void malformedRequestHeaderIsIgnored() {
        AtomicReference<String> seen = new AtomicReference<>("unset");
        ServerRequestContext.with(HttpRequest.GET("/x").header(TraceContext.HEADER, OUTER.toUpperCase()),
                () -> seen.set(TraceContext.current()));
        assertThat(seen.get()).isNull();
    }

    @Test
    void requestWithoutHeaderHasNoContext() {
        AtomicReference<String> seen = new AtomicReference<>("unset");
        ServerRequestContext.with(HttpRequest.GET("/x"), () -> seen.set(TraceContext.current()));
        assertThat(seen.get()).isNull();
    }

    @Test
    void handledEventWinsOverTheRequestHeader() {
        AtomicReference<String> seen = new AtomicReference<>();
        ServerRequestContext.with(HttpRequest.GET("/x").header(TraceContext.HEADER, OUTER),
                () -> TraceContext.whileHandling(INNER, () -> seen.set(TraceContext.current())));
        assertThat(seen).hasValue(INNER);
    }
}
