package dev.runloom.flows.steps;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Batch workers render one cached template from several threads at once. A liqp Template alone
 * gets that wrong now and then (its render context is a field: liqp issue #287), so a record would
 * fail at random; each render must see only its own variables.
 */
class LiquidConcurrencyTest {
    private final Liquid liquid = new Liquid();

    @Test
    void oneTemplateRenderedFromManyThreadsAtOnceSeesOnlyItsOwnVariables() throws Exception {
        Liquid.ParsedTemplate template = liquid.parse(
                "{{ name }} works at {{ company }}{% for t in tags %} #{{ t }}{% endfor %}");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> workers = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int worker = w;
                workers.add(pool.submit(() -> {
                    List<String> wrong = new ArrayList<>();
                    for (int i = 0; i < 2_000; i++) {
                        String name = "n" + worker + "_" + i;
                        String expected = name + " works at c" + i + " #a" + worker + " #b" + i;
                        String rendered;
                        try {
                            rendered = liquid.render(template, Map.of("name", name, "company", "c" + i,
                                    "tags", List.of("a" + worker, "b" + i)));
                        } catch (RuntimeException e) {
                            rendered = e.toString();
                        }
                        if (!expected.equals(rendered)) {
                            wrong.add(expected + " != " + rendered);
                        }
                    }
                    return wrong;
                }));
            }
            List<String> wrong = new ArrayList<>();
            for (Future<List<String>> worker : workers) {
                wrong.addAll(worker.get());
            }
            assertThat(wrong).as("renders that saw another thread's variables or failed").isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }
}
