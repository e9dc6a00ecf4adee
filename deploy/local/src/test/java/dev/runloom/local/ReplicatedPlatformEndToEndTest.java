package dev.runloom.local;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole end-to-end journey of {@link PlatformEndToEndTest} on three JVMs of every service (the
 * gateway included): requests go round robin over the replicas, and every test above must pass
 * unchanged. Then a batch must spread over the flows-service replicas: which replica executed
 * which work item is read from Kafka itself — the partitions whose committed offsets the batch
 * moved, and the members of flows-service's batch-work group that own them (each member's client
 * id names its replica, {@code …-flows-2-0}).
 */
class ReplicatedPlatformEndToEndTest extends PlatformEndToEndTest {
    private static final String BATCH_WORK_GROUP = "flows-service.batch-work";
    private static final Pattern REPLICA = Pattern.compile("-(flows-\\d+)-\\d+$");

    @Override
    int replicas() {
        return 3;
    }

    /** Fifteen JVMs on a CI machine's few cores: C1 only, which starts them in a fraction of the CPU time. */
    @Override
    Map<String, String> extraServiceEnvironment() {
        return Map.of("RUNLOOM_SERVICE_JVM_OPTIONS", "-XX:TieredStopAtLevel=1");
    }

    @Test
    @Order(20)
    void aBatchSpreadsOverTheFlowsReplicas() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers()))) {
            Map<TopicPartition, Long> before = committed(admin);
            String type = "spread_" + Long.toHexString(System.nanoTime());
            int records = 48;
            for (int i = 0; i < records; i++) {
                Api.Response created = orgA.post("/v1/records", "{\"type\":\"" + type + "\",\"name\":\"Spread " + i + "\"}");
                assertThat(created.status()).as(created.raw()).isEqualTo(201);
            }
            Api.Response flow = orgA.post("/v1/flows", """
                    {"name":"Spread","flowSteps":[{"type":"template","name":"Echo","order":1,
                      "config":{"template":"{{_record.name}}","outputVariable":"echo"}}]}""");
            assertThat(flow.status()).as(flow.raw()).isEqualTo(201);
            Api.Response queued = orgA.post("/v1/flows/" + flow.body().get("id").asText() + "/run-on-record-type",
                    "{\"recordType\":\"" + type + "\"}");
            assertThat(queued.status()).as(queued.raw()).isEqualTo(202);
            Api.Response batch = orgA.await("/v1/batch/status/" + queued.body().get("batchId").asText(),
                    r -> r.status() == 200 && "completed".equals(r.body().get("status").asText()), PATIENCE);
            assertThat(batch.body().get("processedRecords").asInt()).isEqualTo(records);

            // offsets are committed right after each poll's transaction: wait until all of the batch's are
            Map<TopicPartition, Long> after = committed(admin);
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (moved(before, after).values().stream().mapToLong(Long::longValue).sum() < records
                    && System.nanoTime() < deadline) {
                Thread.sleep(200);
                after = committed(admin);
            }
            Map<TopicPartition, Long> moved = moved(before, after);
            assertThat(moved.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(records);

            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(BATCH_WORK_GROUP))
                    .describedGroups().get(BATCH_WORK_GROUP).get();
            Map<TopicPartition, String> owner = new HashMap<>();
            Set<String> members = new TreeSet<>();
            for (MemberDescription member : group.members()) {
                Matcher m = REPLICA.matcher(member.clientId());
                assertThat(m.find()).as("client id " + member.clientId() + " names its replica").isTrue();
                members.add(m.group(1));
                member.assignment().topicPartitions().forEach(tp -> owner.put(tp, m.group(1)));
            }
            assertThat(members).as("replicas in the batch-work group").containsExactly("flows-1", "flows-2", "flows-3");
            Set<String> workedOn = new TreeSet<>();
            moved.keySet().forEach(tp -> workedOn.add(owner.get(tp)));
            assertThat(workedOn).as("replicas that executed the batch's work items (partitions " + moved + ")")
                    .hasSizeGreaterThan(1);
        }
    }

    /**
     * The fault suite's smallest case, in CI: kill -9 one of three flows-service replicas while a
     * 2,000-record batch runs, start it again, and the batch completes by itself with every record
     * executed exactly once (counted in flows-service's database) and exact counters. The full suite,
     * every service plus broker and database restarts at 10,000 records, is {@code bench/run-faults}.
     */
    @Test
    @Order(21)
    void aBatchSurvivesKillMinus9OfAFlowsReplicaWithoutLossOrDuplicates() throws Exception {
        int records = 2000;
        String type = "fault_" + Long.toHexString(System.nanoTime());
        StringBuilder csv = new StringBuilder("name,city\n");
        for (int i = 0; i < records; i++) {
            csv.append("Lead ").append(i).append(",City ").append(i % 50).append('\n');
        }
        Api.Response imported = orgA.uploadCsv("/v1/records/upload-csv", Map.of("type", type, "nameColumn", "name"),
                csv.toString());
        assertThat(imported.status()).as(imported.raw()).isEqualTo(200);
        assertThat(imported.body().get("created").asInt()).isEqualTo(records);
        Api.Response flow = orgA.post("/v1/flows", """
                {"name":"Fault","flowSteps":[
                  {"type":"template","name":"Summary","order":1,
                   "config":{"template":"{{_record.name}} from {{_record.metadata.city}}","outputVariable":"summary"}},
                  {"type":"prompt","name":"Classify","order":2,
                   "config":{"model":"local","userPrompt":"Classify: {{summary}}","outputVariable":"label"}}]}""");
        assertThat(flow.status()).as(flow.raw()).isEqualTo(201);
        Api.Response queued = orgA.post("/v1/flows/" + flow.body().get("id").asText() + "/run-on-record-type",
                "{\"recordType\":\"" + type + "\"}");
        assertThat(queued.status()).as(queued.raw()).isEqualTo(202);
        String batchId = queued.body().get("batchId").asText();

        orgA.await("/v1/batch/status/" + batchId, r -> r.status() == 200
                && r.body().get("processedRecords").asInt() + r.body().get("failedRecords").asInt() >= records / 10, PATIENCE);
        platform.kill("flows", 2);
        platform.restart("flows", 2);

        Api.Response batch = orgA.await("/v1/batch/status/" + batchId,
                r -> r.status() == 200 && !"running".equals(r.body().get("status").asText())
                        && !"queued".equals(r.body().get("status").asText()), Duration.ofMinutes(5));
        assertThat(batch.body().get("status").asText()).isEqualTo("completed");
        assertThat(batch.body().get("processedRecords").asInt()).isEqualTo(records);
        assertThat(batch.body().get("failedRecords").asInt()).isZero();
        try (Connection db = DriverManager.getConnection(platform.jdbcUrl("flows"), platform.databaseUser(),
                platform.databasePassword());
             PreparedStatement count = db.prepareStatement(
                     "SELECT count(*), count(DISTINCT record_id) FROM flow_executions WHERE batch_id = ?")) {
            count.setString(1, batchId);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("executions").isEqualTo(records);
                assertThat(rs.getLong(2)).as("records executed").isEqualTo(records);
            }
        }
    }

    private static Map<TopicPartition, Long> committed(Admin admin) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(BATCH_WORK_GROUP)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((tp, offset) -> result.put(tp, offset == null ? 0 : offset.offset()));
        return result;
    }

    private static Map<TopicPartition, Long> moved(Map<TopicPartition, Long> before, Map<TopicPartition, Long> after) {
        Map<TopicPartition, Long> moved = new HashMap<>();
        after.forEach((tp, offset) -> {
            long delta = offset - before.getOrDefault(tp, 0L);
            if (delta > 0) {
                moved.put(tp, delta);
            }
        });
        return moved;
    }

}
