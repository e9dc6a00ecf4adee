package dev.runloom.flows;

import dev.runloom.kernel.events.CloudEventCodec;
import dev.runloom.records.events.RecordDeletedV1;
import dev.runloom.records.events.RecordEvents;
import dev.runloom.testsupport.KafkaTestTopics;
import dev.runloom.testsupport.Poll;
import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.ServiceTestEnvironment;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Deleting a record deletes its step results (reference §5 Q18): records-service's RecordDeleted event, consumed here. */
@ServiceTest("flows")
class RecordDeletionTest {
    @Inject KafkaTestTopics kafka;
    @Inject ServiceTestEnvironment env;
    @Inject JsonMapper json;
    @Inject TransactionOperations<Connection> transactions;

    @Test
    void aDeletedRecordsStepResultsGoAndOthersStay() throws Exception {
        insertStepResult("sr_1", "org_a", "record_gone");
        insertStepResult("sr_2", "org_a", "record_gone");
        insertStepResult("sr_3", "org_a", "record_kept");
        insertStepResult("sr_4", "org_b", "record_gone"); // same id, another organization: not this deletion's

        publish(new RecordDeletedV1("record_gone", "org_a", "customers", Instant.now()));

        Poll.until(() -> count("record_gone", "org_a"), n -> n == 0);
        assertThat(count("record_kept", "org_a")).isEqualTo(1);
        assertThat(count("record_gone", "org_b")).isEqualTo(1);
    }

    private void publish(RecordDeletedV1 deleted) throws Exception {
        var event = CloudEventCodec.build("evt_" + UUID.randomUUID(), "urn:runloom:records-service",
                RecordEvents.RECORD_DELETED.type(), deleted.recordId(), deleted.organizationId(), null,
                Instant.now().atOffset(ZoneOffset.UTC), json.writeValueAsBytes(deleted));
        kafka.produce(CloudEventCodec.toRecord(env.topic(RecordEvents.RECORDS), deleted.recordId(), event));
    }

    private void insertStepResult(String id, String organizationId, String recordId) {
        transactions.executeWrite(status -> {
            try (PreparedStatement insert = status.getConnection().prepareStatement("""
                    INSERT INTO step_results (id, organization_id, flow_id, flow_version_id, execution_id, record_id,
                        step_id, step_type, step_name, step_order, status, started_at, completed_at, duration_ms, created_at)
                    VALUES (?, ?, 'flow_x', 'flowver_x', 'exec_x', ?, 'step_x', 'template', 'Step', 1, 'completed',
                        now(), now(), 1, now())""")) {
                insert.setString(1, id);
                insert.setString(2, organizationId);
                insert.setString(3, recordId);
                return insert.executeUpdate();
            }
        });
    }

    private long count(String recordId, String organizationId) {
        return transactions.executeRead(status -> {
            try (PreparedStatement q = status.getConnection().prepareStatement(
                    "SELECT count(*) FROM step_results WHERE record_id = ? AND organization_id = ?")) {
                q.setString(1, recordId);
                q.setString(2, organizationId);
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }
}
