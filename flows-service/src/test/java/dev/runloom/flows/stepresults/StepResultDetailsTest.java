package dev.runloom.flows.stepresults;

import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The heavy step result fields as stored: NUL made storable, oversized values replaced by a marker. */
class StepResultDetailsTest {
    private final JsonMapper json = JsonMapper.createDefault();

    @Test
    void aNulBecomesTheReplacementCharacterButAnEscapedBackslashBeforeU0000StaysText() {
        String nul = String.valueOf((char) 0);
        assertThat(StepResultDetails.capped(json, Map.of("body", "a" + nul + "b")).text())
                .isEqualTo("{\"body\":\"a\\ufffdb\"}");
        // the six characters \u0000 (a backslash, then u0000) are text, not a NUL
        assertThat(StepResultDetails.capped(json, Map.of("body", "\\" + "u0000")).text())
                .isEqualTo("{\"body\":\"\\\\u0000\"}");
        // an escaped backslash followed by a real NUL: the NUL goes, the backslash stays
        assertThat(StepResultDetails.capped(json, Map.of("body", "\\" + nul)).text())
                .isEqualTo("{\"body\":\"\\\\\\ufffd\"}");
    }

    @Test
    void valuesOverTheCapAreStoredAsAMarkerWithoutBeingWrittenWhole() {
        assertThat(StepResultDetails.capped(json, Map.of("big", "x".repeat(StepResultDetails.MAX_BYTES))).text())
                .isEqualTo("{\"_truncated\":true,\"maxBytes\":65536}");
        assertThat(StepResultDetails.capped(json, Map.of("huge", "y".repeat(20_000_000))).text())
                .isEqualTo(StepResultDetails.TRUNCATED);
        String fits = "z".repeat(StepResultDetails.MAX_BYTES - 10);
        assertThat(StepResultDetails.capped(json, Map.of("fit", fits)).text()).isEqualTo("{\"fit\":\"" + fits + "\"}");
        assertThat(StepResultDetails.capped(json, Map.of("small", "y")).text()).isEqualTo("{\"small\":\"y\"}");
        assertThat(StepResultDetails.capped(json, null)).isNull();
    }
}
