package dev.runloom.schedules.scheduler;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Fire-time arithmetic without a running service: syntax, time zones, daylight saving. */
class CronTimesTest {
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");
    private final CronTimes cron = new CronTimes();

    @Test
    void acceptsFiveFieldUnixCronAndNormalisesSpacing() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        assertThat(cron.validate("  0 8 * * MON-FRI ", NEW_YORK, now)).isEqualTo("0 8 * * MON-FRI");
        assertThat(cron.validate("*/5   * * * *", NEW_YORK, now)).isEqualTo("*/5 * * * *");
        assertThat(cron.validate("0 8 * * 1-5", NEW_YORK, now)).isEqualTo("0 8 * * 1-5");
    }

    @Test
    void rejectsWhatIsNotAFiveFieldCronOrNeverFires() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        for (String bad : List.of("", "* * * *", "0 0 * * * *", "61 * * * *", "*/0 * * * *", "0 25 * * *", "hello world")) {
            assertThatThrownBy(() -> cron.validate(bad, NEW_YORK, now)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> cron.validate("0 0 30 2 *", NEW_YORK, now)).hasMessageContaining("never fires");
        assertThatThrownBy(() -> cron.validate(null, NEW_YORK, now)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyFiveMinutesKeepsRealTimeThroughBothTransitions() {
        assertThat(fires("*/5 * * * *", "2026-03-08T06:50:00Z", 3))
                .containsExactly("2026-03-08T06:55:00Z", "2026-03-08T07:00:00Z", "2026-03-08T07:05:00Z");
        assertThat(fires("*/5 * * * *", "2026-11-01T05:50:00Z", 3))
                .containsExactly("2026-11-01T05:55:00Z", "2026-11-01T06:00:00Z", "2026-11-01T06:05:00Z");
    }

    @Test
    void fixedLocalTimesFollowTheZone() {
        // 08:00 New York: 13:00Z under EST, 12:00Z under EDT (from Sunday 8 March 2026)
        assertThat(fires("0 8 * * *", "2026-03-06T14:00:00Z", 3))
                .containsExactly("2026-03-07T13:00:00Z", "2026-03-08T12:00:00Z", "2026-03-09T12:00:00Z");
        // 01:30 happens twice on the fall-back day; fired at its first occurrence, it comes back next day
        assertThat(fires("30 1 * * *", "2026-11-01T05:00:00Z", 2))
                .containsExactly("2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z");
        // 02:30 does not happen on the spring-forward day (02:00 EST jumps to 03:00 EDT): that day has no fire
        assertThat(fires("30 2 * * *", "2026-03-07T12:00:00Z", 2))
                .containsExactly("2026-03-09T06:30:00Z", "2026-03-10T06:30:00Z");
        // the next fire is strictly after the given instant
        assertThat(cron.nextAfter("*/5 * * * *", NEW_YORK, Instant.parse("2026-06-10T14:05:00Z")))
                .contains(Instant.parse("2026-06-10T14:10:00Z"));
    }

    @Test
    void theLatestFireTimeAtOrBeforeAnInstant() {
        Instant at = Instant.parse("2026-07-02T11:00:20Z");
        assertThat(cron.latestAtOrBefore("*/5 * * * *", NEW_YORK, at)).contains(Instant.parse("2026-07-02T11:00:00Z"));
        assertThat(cron.latestAtOrBefore("*/5 * * * *", NEW_YORK, Instant.parse("2026-07-02T11:05:00Z")))
                .contains(Instant.parse("2026-07-02T11:05:00Z"));
        assertThat(cron.latestAtOrBefore("30 * * * *", NEW_YORK, at)).contains(Instant.parse("2026-07-02T10:30:00Z"));
        // through fall back, in real time: the last 01:55 before 06:02Z is 01:55 EST (06:55Z is later), 01:55 EDT is 05:55Z
        assertThat(cron.latestAtOrBefore("55 1 * * *", NEW_YORK, Instant.parse("2026-11-01T06:02:00Z")))
                .contains(Instant.parse("2026-11-01T05:55:00Z"));
    }

    private List<String> fires(String expression, String from, int count) {
        List<String> times = new ArrayList<>();
        Instant at = Instant.parse(from);
        for (int i = 0; i < count; i++) {
            at = cron.nextAfter(expression, NEW_YORK, at).orElseThrow();
            times.add(at.toString());
        }
        return times;
    }
}
