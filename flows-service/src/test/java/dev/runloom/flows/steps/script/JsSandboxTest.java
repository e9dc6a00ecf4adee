package dev.runloom.flows.steps.script;

import io.micronaut.json.JsonMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sandbox's guarantees, on the real GraalJS engine: scripts see only the JSON copy of their input,
 * no host, no I/O; an endless loop and an allocation bomb fail that script only, and the sandbox keeps
 * serving the next one.
 */
class JsSandboxTest {
    private static JsSandbox sandbox;
    private static final Map<String, Object> VARIABLES = Map.of("_record", Map.of("name", "Acme",
            "metadata", Map.of("employees", 120, "tags", List.of("a", "b"))), "summary", "hello");

    @BeforeAll
    static void start() {
        sandbox = new JsSandbox(JsonMapper.createDefault(), Duration.ofSeconds(1), Duration.ofSeconds(5), 0.6, 4);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @Test
    void expressionsAndFunctionBodiesReadTheVariables() {
        assertThat(sandbox.run(sandbox.script("input._record.metadata.employees * 2"), VARIABLES)).isEqualTo(240);
        assertThat(sandbox.run(sandbox.script("""
                const tags = variables._record.metadata.tags.map(t => t.toUpperCase());
                return { tags, greeting: input.summary + '!' };"""), VARIABLES))
                .isEqualTo(Map.of("tags", List.of("A", "B"), "greeting", "hello!"));
        assertThat(sandbox.run(sandbox.script("let x = 1;"), VARIABLES)).isNull();
        assertThat(sandbox.truthy(sandbox.expression("input._record.metadata.employees > 100"), VARIABLES)).isTrue();
        assertThat(sandbox.truthy(sandbox.expression("input.missing"), VARIABLES)).isFalse();
        assertThat(sandbox.truthy(sandbox.expression("''"), VARIABLES)).isFalse();
        assertThat(sandbox.truthy(sandbox.expression("0"), VARIABLES)).isFalse();
        assertThat(sandbox.truthy(sandbox.expression("'no'"), VARIABLES)).isTrue();
    }

    @Test
    void syntaxErrorsAreFoundWhenParsing() {
        assertThatThrownBy(() -> sandbox.script("return {")).isInstanceOf(ScriptException.class)
                .hasMessageContaining("syntax error");
        assertThatThrownBy(() -> sandbox.expression("a ==")).isInstanceOf(ScriptException.class);
        assertThatThrownBy(() -> sandbox.expression("1; return 2")).isInstanceOf(ScriptException.class);
    }

    @Test
    void scriptsHaveNoHostAccessAndNoIo() {
        assertThat(sandbox.run(sandbox.script("typeof Java"), VARIABLES)).isEqualTo("undefined");
        assertThat(sandbox.run(sandbox.script("typeof Packages"), VARIABLES)).isEqualTo("undefined");
        assertThat(sandbox.run(sandbox.script("typeof require"), VARIABLES)).isEqualTo("undefined");
        assertThat(sandbox.run(sandbox.script("typeof fetch"), VARIABLES)).isEqualTo("undefined");
        assertThat(sandbox.run(sandbox.script("typeof load"), VARIABLES)).isEqualTo("undefined");
        assertThat(sandbox.run(sandbox.script("typeof print + typeof console"), VARIABLES)).isEqualTo("undefined".repeat(2));
        assertThatThrownBy(() -> sandbox.run(sandbox.script("Polyglot.eval('python', '1')"), VARIABLES))
                .isInstanceOf(ScriptException.class);
        assertThatThrownBy(() -> sandbox.run(sandbox.script("Polyglot.import('x')"), VARIABLES))
                .isInstanceOf(ScriptException.class);
        assertThatThrownBy(() -> sandbox.run(sandbox.script("throw new Error('boom')"), VARIABLES))
                .isInstanceOf(ScriptException.class).hasMessageContaining("boom");
    }

    @Test
    void anEndlessLoopFailsWithinTheCpuLimitAndTheSandboxStaysUsable() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> sandbox.run(sandbox.script("while (true) {}"), VARIABLES))
                .isInstanceOf(ScriptException.class).hasMessageContaining("CPU time");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
        assertThat(sandbox.run(sandbox.script("1 + 1"), VARIABLES)).isEqualTo(2);
    }

    @Test
    void scriptsCalledFromVirtualThreadsKeepTheirCpuLimit() throws Exception {
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
          try {
            assertThatThrownBy(() -> sandbox.script("return {")).isInstanceOf(ScriptException.class)
                    .hasMessageContaining("syntax error");
            assertThatThrownBy(() -> sandbox.run(sandbox.script("while (true) {}"), VARIABLES))
                    .isInstanceOf(ScriptException.class).hasMessageContaining("CPU time");
            assertThat(sandbox.run(sandbox.script("input.summary"), VARIABLES)).isEqualTo("hello");
          } catch (Throwable t) {
            failure.set(t);
          }
        });
        caller.join(10_000);
        assertThat(caller.isAlive()).isFalse();
        assertThat(failure.get()).isNull();
    }

    @Test
    void anAllocationBombFailsOnlyThatScript() {
        assertThatThrownBy(() -> sandbox.run(sandbox.script("""
                const hoard = [];
                while (true) { hoard.push(new Array(1000000).fill(7)); }"""), VARIABLES))
                .isInstanceOf(ScriptException.class);
        assertThatThrownBy(() -> sandbox.run(sandbox.script("let s = 'x'; while (true) { s = s + s; }"), VARIABLES))
                .isInstanceOf(ScriptException.class);
        assertThat(sandbox.run(sandbox.script("[1,2,3].map(x => x * 2)"), VARIABLES)).isEqualTo(List.of(2, 4, 6));
    }
}
