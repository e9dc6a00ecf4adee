package dev.runloom.local;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One of every resource type, created through the public API in one organization, and how a path
 * template's variables map onto them: {@code {flowId}} by its name, a bare {@code {id}} by the segment
 * before it ({@code /v1/records/{id}} is a record). New routes whose variables follow these names are
 * covered without changes here.
 */
final class OrgResources {
    private static final Map<String, String> BY_NAME = Map.ofEntries(
            Map.entry("recordId", "record"), Map.entry("flowId", "flow"), Map.entry("batchId", "batch"),
            Map.entry("batchExecutionId", "batch"), Map.entry("scheduleId", "schedule"), Map.entry("runId", "run"),
            Map.entry("agentId", "agent"), Map.entry("executionId", "execution"), Map.entry("versionId", "flowVersion"));
    private static final Map<String, String> BY_SEGMENT = Map.ofEntries(
            Map.entry("records", "record"), Map.entry("flows", "flow"), Map.entry("flow-versions", "flow"),
            Map.entry("flow", "flow"), Map.entry("batch", "batch"), Map.entry("status", "batch"),
            Map.entry("schedules", "schedule"), Map.entry("runs", "run"), Map.entry("agents", "agent"),
            Map.entry("agent-versions", "agent"), Map.entry("executions", "execution"));

    private final Map<String, String> ids;
    final String recordType;

    private OrgResources(Map<String, String> ids, String recordType) {
        this.ids = ids;
        this.recordType = recordType;
    }

    Map<String, String> ids() {
        return ids;
    }

    /** A record, a flow run inline on its type (a batch, step and record results), a schedule and its run, an agent and its execution. */
    static OrgResources create(Api api, String label) {
        String type = "sec_" + label + "_" + Long.toHexString(System.nanoTime());
        Map<String, String> ids = new LinkedHashMap<>();
        Api.Response record = expect(api.post("/v1/records",
                "{\"type\":\"" + type + "\",\"name\":\"Secret " + label + "\",\"metadata\":{\"company\":\"Hidden Co\"}}"), 201);
        ids.put("record", record.body().get("id").asText());
        Api.Response flow = expect(api.post("/v1/flows", """
                {"name":"Secret flow %s","flowSteps":[{"type":"template","name":"Summary","order":1,
                 "config":{"template":"{{_record.name}}","outputVariable":"summary"}}]}""".formatted(label)), 201);
        String flowId = flow.body().get("id").asText();
        ids.put("flow", flowId);
        Api.Response batch = expect(api.post("/v1/flows/" + flowId + "/run-on-record-type", "{\"recordType\":\"" + type + "\"}"), 200);
        ids.put("batch", batch.body().get("batchId").asText());
        Api.Response schedule = expect(api.post("/v1/schedules", """
                {"name":"Secret schedule %s","target":{"flowId":"%s","recordType":"%s"},
                 "trigger":{"type":"recurring","cron":"0 3 * * *","timezone":"UTC"}}""".formatted(label, flowId, type)), 201);
        String scheduleId = schedule.body().get("id").asText();
        ids.put("schedule", scheduleId);
        Api.Response run = expect(api.post("/v1/schedules/" + scheduleId + "/run", "{}"), 200);
        ids.put("run", run.body().get("runId").asText());
        Api.Response agent = expect(api.post("/v1/agents",
                "{\"name\":\"Secret agent " + label + "\",\"config\":{\"model\":\"local\",\"systemPrompt\":\"Be brief.\"}}"), 201);
        String agentId = agent.body().get("id").asText();
        ids.put("agent", agentId);
        expect(api.post("/v1/agents/" + agentId + "/execute", "{\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}"), 200);
        Api.Response executions = expect(api.get("/v1/agents/" + agentId + "/executions"), 200);
        ids.put("execution", executions.body().get("data").get(0).get("id").asText());
        return new OrgResources(ids, type);
    }

    private static Api.Response expect(Api.Response response, int status) {
        if (response.status() != status) {
            throw new IllegalStateException("expected " + status + " but got " + response.status() + ": " + response.raw());
        }
        return response;
    }

    /** The id of this organization's resource a path variable names, or null when none fits. */
    String idFor(String pathTemplate, String variable) {
        String kind = BY_NAME.get(variable);
        if (kind == null) {
            List<String> segments = List.of(pathTemplate.split("/"));
            int at = segments.indexOf("{" + variable + "}");
            if (at > 0) {
                kind = BY_SEGMENT.get(segments.get(at - 1));
            }
        }
        return kind == null ? null : ids.get(kind);
    }

    /** The template with each variable replaced by this organization's id, or {@code fallback} for variables none fits. */
    String fill(String pathTemplate, List<String> variables, String fallback) {
        String path = pathTemplate;
        for (String variable : variables) {
            String id = idFor(pathTemplate, variable);
            path = path.replace("{" + variable + "}", id == null ? fallback : id);
        }
        return path;
    }
}
