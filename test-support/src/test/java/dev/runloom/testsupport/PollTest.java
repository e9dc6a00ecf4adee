package dev.runloom.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class PollTest {

    @Test
    void answersTheFirstValueThatSatisfiesTheCondition() {
        AtomicInteger calls = new AtomicInteger();
        assertThat(Poll.until(calls::incrementAndGet, n -> n >= 3)).isEqualTo(3);
        assertThat(Poll.until(() -> "ready", "ready"::equals, Duration.ZERO)).isEqualTo("ready");
    }

    @Test
    void failsWithTheLastValueOnceTheTimeoutPassed() {
        AtomicInteger calls = new AtomicInteger();
        assertThatThrownBy(() -> Poll.until(calls::incrementAndGet, n -> n < 0, Duration.ofMillis(300)))
                .isInstanceOf(AssertionError.class).hasMessageContaining("last value: " + calls.get());
        assertThat(calls.get()).isGreaterThan(1);
    }
}
