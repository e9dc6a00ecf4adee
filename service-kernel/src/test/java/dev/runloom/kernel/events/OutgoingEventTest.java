package dev.runloom.kernel.events;

import dev.runloom.kernel.TestEvents;
import dev.runloom.kernel.TestEvents.Thing;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link OutgoingEvent}'s extension attributes: set, removed by a null value, and only under valid CloudEvents names. */
class OutgoingEventTest {
    private static final OutgoingEvent THING = OutgoingEvent.of(TestEvents.THING_CHANGED, "k", "s", "org_1", new Thing("k", 1));

    @Test
    void hasNoExtensionsUnlessOneIsSet() {
        assertThat(THING.extensions()).isEmpty();
        OutgoingEvent scheduled = THING.withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, "run_1");
        assertThat(scheduled.extensions()).isEqualTo(Map.of("runloomschedulerun", "run_1"));
        assertThat(scheduled.payload()).isEqualTo(THING.payload());
        assertThat(scheduled.type()).isEqualTo(THING.type());
        assertThat(THING.extensions()).as("the original is unchanged").isEmpty();
        assertThat(scheduled.withExtension("other1", "x").extensions())
                .isEqualTo(Map.of("runloomschedulerun", "run_1", "other1", "x"));
    }

    @Test
    void aNullValueMeansAbsent() {
        assertThat(THING.withExtension(CloudEventCodec.SCHEDULE_RUN_EXTENSION, null).extensions()).isEmpty();
        assertThat(THING.withExtension("a", "1").withExtension("a", null).extensions()).isEmpty();
        Map<String, String> withNull = new HashMap<>();
        withNull.put("a", null);
        withNull.put("b", "2");
        assertThat(new OutgoingEvent(TestEvents.THING_CHANGED, "k", "s", null, new Thing("k", 1), withNull).extensions())
                .isEqualTo(Map.of("b", "2"));
        assertThat(new OutgoingEvent(TestEvents.THING_CHANGED, "k", "s", null, new Thing("k", 1), null).extensions())
                .isEmpty();
    }

    @Test
    void extensionsCannotBeChangedAfterwards() {
        Map<String, String> given = new HashMap<>(Map.of("a", "1"));
        OutgoingEvent event = new OutgoingEvent(TestEvents.THING_CHANGED, "k", "s", null, new Thing("k", 1), given);
        given.put("b", "2");
        assertThat(event.extensions()).isEqualTo(Map.of("a", "1"));
        assertThatThrownBy(() -> event.extensions().put("c", "3")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void invalidNamesAreRefused() {
        for (String name : new String[]{"", "RunloomScheduleRun", "schedule-run", "schedule_run", "run id",
                "abcdefghijklmnopqrstu" /* 21 */, "é"}) {
            assertThatThrownBy(() -> THING.withExtension(name, "v")).as(name)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lower-case");
        }
        assertThatThrownBy(() -> THING.withExtension(null, "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OutgoingEvent(TestEvents.THING_CHANGED, "k", "s", null, new Thing("k", 1),
                Map.of("Bad", "v"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(THING.withExtension("abcdefghijklmnopqrst", "v").extensions()).containsKey("abcdefghijklmnopqrst");
        assertThat(THING.withExtension("x9", "v").extensions()).containsKey("x9");
    }

    @Test
    void attributesAndTheKernelsOwnExtensionsAreReserved() {
        for (String name : new String[]{"id", "source", "specversion", "type", "subject", "time", "datacontenttype",
                "dataschema", "data", CloudEventCodec.ORGANIZATION_EXTENSION, CloudEventCodec.TRACEPARENT_EXTENSION}) {
            assertThatThrownBy(() -> THING.withExtension(name, "v")).as(name)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be set");
        }
    }
}
