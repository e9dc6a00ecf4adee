package dev.runloom.flows;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.events.FlowEvents;
import dev.runloom.kernel.events.TopicNames;
import dev.runloom.schedules.events.ScheduleEvents;
import dev.runloom.schedules.events.ScheduleRunRequestedV1;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.json.JsonMapper;
import io.micronaut.test.support.TestPropertyProvider;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.runloom.flows.FlowFixtures.createFlow;
import static dev.runloom.flows.FlowFixtures.query;
import static dev.runloom.flows.FlowFixtures.templateStep;
import static dev.runloom.flows.ScheduleRuns.flowRun;
import static dev.runloom.flows.ScheduleRuns.options;
import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schedule run's {@code batchId}, {@code inputs} and {@code executionOptions}, end to end: run
 * requests published on the schedule runs topic, batches worked by the real batch workers, results
 * read from the events, the API and the service's tables. The slow and failing records are real
 * data a real flow trips over (a Liquid loop over a large string, a division by a zero in a
 * record's metadata), not test hooks.
 */
@ServiceTest("flows")
class ScheduleRunOptionsTest implements TestPropertyProvider {
    private static final Logger LOG = LoggerFactory.getLogger(ScheduleRunOptionsTest.class);
    /** Renders in a few milliseconds; for the record whose industry is "slow", for seconds. */
    private static final String SLOW_FOR_SLOW_RECORDS = """
            {% if _record.metadata.industry == "slow" %}{% assign s = "abcdefghij" %}\
            {% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}\
            {% for i in (1..1000) %}{% assign t = s | upcase | downcase | split: "j" | join: "k" %}{% endfor %}\
            {{ t | size }}{% else %}quick {{ _record.name }}{% endif %}""";
    /** About a tenth of a second of work per record, so records running at once overlap in time. */
    private static final String BUSY = """
            {% assign s = "abcdefghij" %}{% for i in (1..16) %}{% assign s = s | append: s %}{% endfor %}\
            {% for i in (1..20) %}{% assign t = s | upcase | downcase | split: "j" | join: "k" %}{% endfor %}\
            {{ t | size }} {{ _record.name }} ({{ _record.metadata.industry }})""";

    @Inject ApiClient<Tenant> api;
    @Inject ServiceTestEnvironment env;
    @Inject JsonMapper json;
    @Inject KafkaTestTopics kafka;
    @Inject TopicNames topics;
    final FakeRecordsService records = new FakeRecordsService();
    EventCollector events;
    ScheduleRuns runs;

    @Override
    public Map<String, String> getProperties() {
        return records.serviceProperties();
    }

    @BeforeAll
    void setUp() {
        events = EventCollector.flowEvents(env, json);
        runs = new ScheduleRuns(kafka, env, json);
        records.add("org_a", "lead", "lead", 12);
        records.add("org_a", "conc", "conc", 16);
        records.add("org_a", "timed", "timed", 3);
        records.addOne("org_a", "timed", "timed_slow", "Slow Corp", "slow");
        records.add("org_a", "retry", "retry", 2);
        records.addOne("org_a", "retry", "retry_zero", "Zero Corp", "none"); // metadata.index 0
    }

    @AfterAll
    void stopCollectorAndFake() throws InterruptedException {
        events.close();
        records.close();
    }

    @Test
    void inputsAreVariablesBesideTheRecordWhichTheyCannotReplace() {
        String flowId = createFlow(api, "Greet", List.of(
                templateStep("Note", "{{ tone }} note for {{ _record.name }} ({{ audience.segment }})"),
                templateStep("Sign", "{{ previous_output }} / {{ signature }}")));
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("tone", "formal");
        inputs.put("audience", Map.of("segment", "enterprise"));
        inputs.put("signature", "Runloom");
        inputs.put("_record", Map.of("name", "Impostor"));
        inputs.put("previous_output", "not a step's output");
        ScheduleRunRequestedV1 run = flowRun(flowId, "retry", inputs, null);

        runs.publish(run);

        Map<String, Object> completed = awaitCompleted(run.batchId());
        assertThat(completed).containsEntry("status", "completed").containsEntry("recordCount", 3)
                .containsEntry("scheduleRunId", run.runId());
        List<Map<String, Object>> steps = stepResults(flowId, run.batchId());
        assertThat(steps).hasSize(6).allSatisfy(r -> assertThat(r).containsEntry("status", "completed"));
        assertThat(steps).filteredOn(r -> "Sign".equals(r.get("stepName")))
                .extracting(r -> (String) r.get("outputPreview"))
                .containsExactlyInAnyOrder(
                        "formal note for Company retry 1 (enterprise) / Runloom",
                        "formal note for Company retry 2 (enterprise) / Runloom",
                        "formal note for Zero Corp (enterprise) / Runloom");
    }

    @Test
    void theBatchTakesTheGivenIdAndARequestDeliveredAgainStartsNoSecondBatch() {
        String flowId = createFlow(api, "Once", List.of(templateStep("Name", "{{ _record.name }}")));
        ScheduleRunRequestedV1 run = flowRun(flowId, "lead", null, null);
        String batchId = run.batchId();

        String eventId = runs.publish(run);
        runs.publish(eventId, run);   // the same event again
        runs.publish(run);            // another event for the same batch
        awaitCompleted(batchId);
        runs.publish(run);            // and once more after the batch finished
        awaitCompleted(runs.publishAndReturnBatch(flowRun(flowId, "timed", null, null))); // handled after the above

        assertThat(api.get("/v1/batch/status/" + batchId, ORG_A).assertStatus(200).body())
                .containsEntry("batchExecutionId", batchId).containsEntry("status", "completed")
                .containsEntry("totalRecords", 12).containsEntry("processedRecords", 12);
        assertThat(events.matching(FlowEvents.BATCH_STARTED.type(), e -> batchId.equals(e.key()))).singleElement()
                .satisfies(e -> assertThat(e.data()).containsEntry("scheduleRunId", run.runId()));
        assertThat(events.matching(FlowEvents.BATCH_COMPLETED.type(), e -> batchId.equals(e.key()))).hasSize(1);
        assertThat(events.matching(FlowEvents.RECORD_EXECUTION_COMPLETED.type(),
                e -> batchId.equals(e.data().get("batchId")))).hasSize(12);
        assertThat(query(env, "SELECT count(*) AS n FROM flow_executions WHERE batch_id = ?", batchId).getFirst())
                .containsEntry("n", 12L);
        assertThat(query(env, "SELECT count(*) AS n FROM batches WHERE schedule_run_id = ?", run.runId()).getFirst())
                .containsEntry("n", 1L);
    }

    @Test
    void chunkSizeIsThePageSizeOfTheRecordsRead() {
        String flowId = createFlow(api, "Chunked", List.of(templateStep("Name", "{{ _record.name }}")));
        ScheduleRunRequestedV1 run = flowRun(flowId, "lead", null, options(3, null, null, null, null));
        records.requests.clear();

        runs.publish(run);

        assertThat(awaitCompleted(run.batchId())).containsEntry("status", "completed").containsEntry("recordCount", 12);
        assertThat(records.requests).containsExactly("org_a lead null", "org_a lead lead_03", "org_a lead lead_06",
                "org_a lead lead_09");
    }

    @Test
    void recordsRunningSideBySideGiveTheSameResultsAsOneAtATime() {
        String flowId = createFlow(api, "Busy", List.of(templateStep("Work", BUSY),
                Map.of("type", "prompt", "name", "Ask", "config", Map.of("userPrompt", "Summarize {{ work }}"))));
        ScheduleRunRequestedV1 oneAtATime = flowRun(flowId, "conc", null, options(null, 1, null, null, null));
        ScheduleRunRequestedV1 eightAtOnce = flowRun(flowId, "conc", null, options(null, 8, null, null, null));

        runs.publish(oneAtATime);
        runs.publish(eightAtOnce);

        Map<String, Object> sequential = awaitCompleted(oneAtATime.batchId(), Duration.ofSeconds(90));
        Map<String, Object> concurrent = awaitCompleted(eightAtOnce.batchId(), Duration.ofSeconds(90));
        assertThat(concurrent).containsEntry("status", "completed").containsEntry("recordCount", 16)
                .containsEntry("successCount", 16);
        assertThat(sequential).containsEntry("status", "completed").containsEntry("recordCount", 16)
                .containsEntry("successCount", 16);
        assertThat(new BigDecimal(concurrent.get("totalCost").toString()))
                .isEqualByComparingTo(new BigDecimal(sequential.get("totalCost").toString()));
        assertThat(results(eightAtOnce.batchId())).hasSize(32).isEqualTo(results(oneAtATime.batchId()));

        // one at a time, each of the two batch-work threads runs one record; eight at once, more run together
        int sequentialMost = mostAtOnce(oneAtATime.batchId());
        int concurrentMost = mostAtOnce(eightAtOnce.batchId());
        LOG.info("records of a batch running at the same moment: {} one at a time, {} eight at once",
                sequentialMost, concurrentMost);
        assertThat(sequentialMost).isLessThanOrEqualTo(2);
        assertThat(concurrentMost).isGreaterThan(2).isLessThanOrEqualTo(16); // at most 8 per batch-work thread
    }

    @Test
    void aRecordRunningLongerThanTimeoutMsFailsAndItsBatchCompletes() {
        String flowId = createFlow(api, "Sometimes slow", List.of(templateStep("Render", SLOW_FOR_SLOW_RECORDS),
                templateStep("After", "after {{ render }}")));
        ScheduleRunRequestedV1 run = flowRun(flowId, "timed", null, options(null, null, null, 1500L, null));

        runs.publish(run);

        Map<String, Object> completed = awaitCompleted(run.batchId());
        assertThat(completed).containsEntry("status", "partial").containsEntry("recordCount", 4)
                .containsEntry("successCount", 3).containsEntry("failureCount", 1);
        EventCollector.Event slow = events.await(FlowEvents.RECORD_EXECUTION_COMPLETED.type(),
                e -> run.batchId().equals(e.data().get("batchId")) && "timed_slow".equals(e.key()), 1).getFirst();
        assertThat(slow.data()).containsEntry("success", false)
                .containsEntry("error", "record execution timed out after 1500ms");
        // cut short at the deadline: the loop alone takes several seconds
        assertThat(((Number) slow.data().get("durationMs")).longValue()).isBetween(1500L, 4500L);

        List<Map<String, Object>> steps = stepResults(flowId, run.batchId());
        assertThat(steps).filteredOn(r -> "timed_slow".equals(r.get("recordId")))
                .extracting(r -> r.get("stepName") + " " + r.get("status") + " " + r.get("errorMessage"))
                .containsExactlyInAnyOrder("Render failed record execution timed out after 1500ms",
                        "After skipped null");
        assertThat(steps).filteredOn(r -> !"timed_slow".equals(r.get("recordId"))).hasSize(6)
                .allSatisfy(r -> assertThat(r).containsEntry("status", "completed"));
    }

    @Test
    void maxRetriesRunsAFailedRecordAgainAndEveryAttemptIsCounted() {
        String flowId = createFlow(api, "Divide", List.of(templateStep("Share", "{{ 100 | divided_by: _record.metadata.index }}")));
        ScheduleRunRequestedV1 run = flowRun(flowId, "retry", null, options(null, null, null, null, 2));

        runs.publish(run);

        Map<String, Object> completed = awaitCompleted(run.batchId());
        assertThat(completed).containsEntry("status", "partial").containsEntry("recordCount", 3)
                .containsEntry("successCount", 2).containsEntry("failureCount", 1);
        List<Map<String, Object>> steps = stepResults(flowId, run.batchId());
        // the failing record: three attempts, each a step result with its retry count
        assertThat(steps).filteredOn(r -> "retry_zero".equals(r.get("recordId")))
                .allSatisfy(r -> assertThat(r).containsEntry("status", "failed")
                        .satisfies(x -> assertThat((String) x.get("errorMessage")).contains("by zero")))
                .extracting(r -> r.get("retryCount")).containsExactlyInAnyOrder(0, 1, 2);
        // the others ran once
        assertThat(steps).filteredOn(r -> !"retry_zero".equals(r.get("recordId")))
                .extracting(r -> r.get("outputPreview") + " " + r.get("retryCount"))
                .containsExactlyInAnyOrder("100 0", "50 0");
        // the record is one execution, counted once toward its batch, its attempts in its totals
        assertThat(query(env, """
                SELECT status, context_steps FROM flow_executions WHERE batch_id = ? AND record_id = 'retry_zero'""",
                run.batchId())).containsExactly(Map.of("status", "failed", "context_steps", 3));
        assertThat(events.matching(FlowEvents.RECORD_EXECUTION_COMPLETED.type(),
                e -> run.batchId().equals(e.data().get("batchId")) && "retry_zero".equals(e.key()))).singleElement()
                .satisfies(e -> assertThat((String) e.data().get("error")).startsWith("Step 'Share' failed: ")
                        .contains("by zero"));
    }

    @Test
    void optionsOutOfRangeFailTheBatchWithAClearError() {
        String flowId = createFlow(api, "Options", List.of(templateStep("Name", "{{ _record.name }}")));
        Map<ScheduleRunRequestedV1, String> expected = new LinkedHashMap<>();
        expected.put(flowRun(flowId, "lead", null, options(null, 0, null, null, null)),
                "Invalid executionOptions: recordConcurrency must be between 1 and 64 (was 0)");
        expected.put(flowRun(flowId, "lead", null, options(null, 65, null, null, null)),
                "Invalid executionOptions: recordConcurrency must be between 1 and 64 (was 65)");
        expected.put(flowRun(flowId, "lead", null, options(2001, null, null, null, null)),
                "Invalid executionOptions: chunkSize must be between 1 and 2000 (was 2001)");
        expected.put(flowRun(flowId, "lead", null, options(null, null, 0, null, null)),
                "Invalid executionOptions: progressFlushSize must be between 1 and 10000 (was 0)");
        expected.put(flowRun(flowId, "lead", null, options(null, null, null, 0L, 11)),
                "Invalid executionOptions: timeoutMs must be between 1 and 3600000 (was 0); "
                        + "maxRetries must be between 0 and 10 (was 11)");
        expected.keySet().forEach(runs::publish);
        // an agent's run is agents-service's, whatever its options
        ScheduleRunRequestedV1 agentRun = new ScheduleRunRequestedV1("run_" + UUID.randomUUID(), ScheduleRuns.SCHEDULE_ID,
                "org_a", "user_sched", null, "agent_1", null, null, Map.of("messages", List.of()), "manual",
                java.time.Instant.now(), null, "aexec_" + UUID.randomUUID(), options(0, 0, 0, 0L, -1));
        runs.publish(agentRun);
        awaitCompleted(runs.publishAndReturnBatch(flowRun(flowId, "timed", null, null))); // handled after the above

        expected.forEach((run, error) -> {
            assertThat(events.matching(FlowEvents.BATCH_COMPLETED.type(), e -> run.batchId().equals(e.key())))
                    .singleElement().satisfies(e -> assertThat(e.data()).containsEntry("status", "failed")
                            .containsEntry("error", error).containsEntry("scheduleRunId", run.runId())
                            .containsEntry("recordCount", 0));
            assertThat(api.get("/v1/batch/status/" + run.batchId(), ORG_A).assertStatus(200).body())
                    .containsEntry("status", "failed");
            assertThat(events.matching(FlowEvents.BATCH_STARTED.type(), e -> run.batchId().equals(e.key()))).isEmpty();
        });
        assertThat(events.matching(FlowEvents.BATCH_COMPLETED.type(),
                e -> agentRun.runId().equals(e.data().get("scheduleRunId")))).isEmpty();
        assertThat(kafka.read(topics.deadLetterOf(ScheduleEvents.RUNS), 1, Duration.ofSeconds(1))).isEmpty();
    }

    private Map<String, Object> awaitCompleted(String batchId) {
        return awaitCompleted(batchId, Poll.TIMEOUT);
    }

    private Map<String, Object> awaitCompleted(String batchId, Duration timeout) {
        return events.await(FlowEvents.BATCH_COMPLETED.type(), e -> batchId.equals(e.key()), 1, timeout).getFirst().data();
    }

    private List<Map<String, Object>> stepResults(String flowId, String batchId) {
        return api.get("/v1/flows/" + flowId + "/step-results?limit=100&batchId=" + batchId, ORG_A).assertStatus(200)
                .list("data");
    }

    /** What each step did for each record, without ids and times. */
    private List<Map<String, Object>> results(String batchId) {
        return query(env, """
                SELECT record_id, step_order, status, output_preview, resolved_prompt, prompt_tokens,
                       completion_tokens, estimated_cost, retry_count
                FROM step_results WHERE batch_id = ? ORDER BY record_id, step_order""", batchId);
    }

    /** The most executions of the batch that were running at the same moment. */
    private int mostAtOnce(String batchId) {
        List<Map<String, Object>> rows = query(env,
                "SELECT started_at, completed_at FROM flow_executions WHERE batch_id = ?", batchId);
        List<long[]> intervals = new ArrayList<>();
        rows.forEach(r -> intervals.add(new long[]{((Timestamp) r.get("started_at")).getTime(),
                ((Timestamp) r.get("completed_at")).getTime()}));
        int most = 0;
        for (long[] a : intervals) {
            // executions running at a's start (a itself included)
            int running = (int) intervals.stream().filter(b -> b[0] <= a[0] && a[0] < b[1]).count();
            most = Math.max(most, running);
        }
        return most;
    }
}
