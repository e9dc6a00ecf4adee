package dev.runloom.records;

import io.micronaut.transaction.TransactionOperations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/** Direct reads and writes of the service's tables, for what the API does not show (counters, record results). */
final class RecordSql {
    private final TransactionOperations<Connection> transactions;

    RecordSql(TransactionOperations<Connection> transactions) {
        this.transactions = transactions;
    }

    long count(String sql, Object... params) {
        return transactions.executeRead(status -> {
            try (PreparedStatement q = status.getConnection().prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    q.setObject(i + 1, params[i]);
                }
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    int update(String sql, Object... params) {
        return transactions.executeWrite(status -> {
            try (PreparedStatement q = status.getConnection().prepareStatement(sql)) {
                for (int i = 0; i < params.length; i++) {
                    q.setObject(i + 1, params[i]);
                }
                return q.executeUpdate();
            }
        });
    }

    /** The trigger-kept counter of an (organization, type). */
    long counter(String organizationId, String type) {
        return count("SELECT coalesce(sum(count), 0) FROM record_counts WHERE organization_id = ? AND type = ?",
                organizationId, type);
    }

    long actual(String organizationId, String type) {
        return count("SELECT count(*) FROM records WHERE organization_id = ? AND type = ?", organizationId, type);
    }

    /** A record result row, as the flows projection would write it. */
    void insertResult(String id, String organizationId, String recordId) {
        update("INSERT INTO record_results (id, organization_id, record_id, execution_id, flow_id, status, created_at)"
                + " VALUES (?, ?, ?, 'exec_x', 'flow_x', 'completed', now())", id, organizationId, recordId);
    }

    long results(String recordId) {
        return count("SELECT count(*) FROM record_results WHERE record_id = ?", recordId);
    }

    void insertStepResult(String id, String organizationId, String recordId) {
        update("INSERT INTO record_step_results (id, organization_id, record_id, execution_id, flow_id, step_id, step_type,"
                + " step_name, step_order, status, started_at, completed_at, duration_ms, created_at) VALUES (?, ?, ?,"
                + " 'exec_x', 'flow_x', 'step_x', 'template', 'Step', 1, 'completed', now(), now(), 0, now())",
                id, organizationId, recordId);
    }

    long stepResults(String recordId) {
        return count("SELECT count(*) FROM record_step_results WHERE record_id = ?", recordId);
    }
}
