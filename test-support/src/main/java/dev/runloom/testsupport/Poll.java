package dev.runloom.testsupport;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting for an eventually consistent system without timing assertions: ask again and again
 * until the answer is right, and fail with the last answer once the deadline has passed.
 *
 * <pre>{@code
 * List<Map<String, Object>> runs = Poll.until(() -> runs(scheduleId), r -> r.size() == 2);
 * }</pre>
 */
public final class Poll {
    /** Long enough for a loaded machine; a test that needs it all is failing anyway. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration INTERVAL = Duration.ofMillis(100);

    private Poll() {
    }

    /** The first value that satisfies the condition, asked for during {@link #TIMEOUT} at most. */
    public static <T> T until(Supplier<T> value, Predicate<? super T> condition) {
        return until(value, condition, TIMEOUT);
    }

    /**
     * The first value that satisfies the condition; the value is asked for at least once, and
     * again every 100 ms until the timeout has passed, when the test fails showing the last value.
     */
    public static <T> T until(Supplier<T> value, Predicate<? super T> condition, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            T last = value.get();
            if (condition.test(last)) {
                return last;
            }
            if (!Instant.now().isBefore(deadline)) {
                throw new AssertionError("condition not met within " + timeout + "; last value: " + last);
            }
            pause(INTERVAL);
        }
    }

    /** Sleeps; an interrupt fails the test (and stays set). */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
