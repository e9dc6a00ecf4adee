package dev.runloom.flows.steps;

import dev.runloom.common.problem.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What strict templates are checked against, and how errorHandling is read. */
class TemplateVariablesTest {

    @Test
    void readsTheRootsOfOutputsAndTagExpressionsButNotTemplateLocals() {
        assertThat(TemplateVariables.read("{{ summary.text | append: suffix }} {{_record.metadata.x}} {{ 'lit' | upcase }}"))
                .containsExactlyInAnyOrder("summary", "suffix", "_record");
        assertThat(TemplateVariables.read("{% assign n = items | size %}{% for i in list limit: max %}{{ i }}{{ n }}{{ forloop.index }}{% endfor %}"
                + "{% if score > limit and flag %}x{% endif %}{% capture c %}y{% endcapture %}{{ c }}"))
                .containsExactlyInAnyOrder("items", "list", "max", "score", "limit", "flag");
        assertThat(TemplateVariables.read("{{ \"quoted words\" }} {{ 3 | plus: 4 }} {{ x == nil }}")).containsExactly("x");
    }

    @Test
    void errorHandlingDefaultsToContinueAndChecksItsFields() {
        assertThat(ErrorPolicy.of(Map.of())).isEqualTo(ErrorPolicy.DEFAULT);
        Map<String, Object> normalized = ErrorPolicy.normalize(Map.of("errorHandling",
                Map.of("onError", "fail", "retryCount", 2, "backoffMs", 50)), "Step 'S' (#1)");
        assertThat(ErrorPolicy.of(normalized)).isEqualTo(new ErrorPolicy(true, 2, Duration.ofMillis(50)));
        assertThat(ErrorPolicy.of(ErrorPolicy.normalize(Map.of("errorHandling", Map.of()), "S")).hardFail()).isFalse();
        assertThatThrownBy(() -> ErrorPolicy.normalize(Map.of("errorHandling", Map.of("retries", 1.5)), "Step 'S' (#1)"))
                .isInstanceOf(ProblemException.class).hasMessageContaining("config.errorHandling.retries");
        assertThatThrownBy(() -> ErrorPolicy.normalize(Map.of("errorHandling", Map.of("retry", 1)), "Step 'S' (#1)"))
                .isInstanceOf(ProblemException.class).hasMessageContaining("config.errorHandling.retry");
        assertThatThrownBy(() -> ErrorPolicy.normalize(Map.of("errorHandling", "fail"), "Step 'S' (#1)"))
                .isInstanceOf(ProblemException.class).hasMessageContaining("must be an object");
    }
}
