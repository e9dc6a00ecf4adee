package dev.runloom.flows.flows;

import dev.runloom.flows.steps.StepDefinition;
import io.micronaut.core.type.Argument;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Flows and versions; every query filters by organization. */
@Singleton
public class FlowRepository {
    private static final Argument<List<StepDefinition>> STEPS = Argument.listOf(StepDefinition.class);

    private final JdbcOperations jdbc;
    private final JsonMapper json;

    public FlowRepository(JdbcOperations jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    @Transactional
    public void insert(Flow flow, FlowVersion version) {
        jdbc.prepareStatement("""
                INSERT INTO flows (id, organization_id, user_id, name, description, current_version_id,
                                   created_at, updated_at, last_run_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""", st -> {
            st.setString(1, flow.id());
            st.setString(2, flow.organizationId());
            st.setString(3, flow.userId());
            st.setString(4, flow.name());
            st.setString(5, flow.description());
            st.setString(6, flow.currentVersionId());
            st.setTimestamp(7, Timestamp.from(flow.createdAt()));
            st.setTimestamp(8, Timestamp.from(flow.updatedAt()));
            st.setTimestamp(9, flow.lastRunAt() == null ? null : Timestamp.from(flow.lastRunAt()));
            return st.executeUpdate();
        });
        jdbc.prepareStatement("""
                INSERT INTO flow_versions (id, flow_id, organization_id, version_number, name, steps, created_at)
                VALUES (?, ?, ?, ?, ?, ?::jsonb, ?)""", st -> {
            st.setString(1, version.id());
            st.setString(2, version.flowId());
            st.setString(3, version.organizationId());
            st.setInt(4, version.versionNumber());
            st.setString(5, version.name());
            st.setString(6, toJson(version.steps()));
            st.setTimestamp(7, Timestamp.from(version.createdAt()));
            return st.executeUpdate();
        });
    }

    @Transactional
    public Optional<Flow> find(String organizationId, String flowId) {
        return jdbc.prepareStatement("""
                SELECT id, organization_id, user_id, name, description, current_version_id, created_at, updated_at, last_run_at
                FROM flows WHERE organization_id = ? AND id = ?""", st -> {
            st.setString(1, organizationId);
            st.setString(2, flowId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(flow(rs)) : Optional.<Flow>empty();
            }
        });
    }

    @Transactional
    public Optional<FlowVersion> findVersion(String organizationId, String versionId) {
        return jdbc.prepareStatement("""
                SELECT id, flow_id, organization_id, version_number, name, steps::text, created_at
                FROM flow_versions WHERE organization_id = ? AND id = ?""", st -> {
            st.setString(1, organizationId);
            st.setString(2, versionId);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? Optional.of(version(rs)) : Optional.<FlowVersion>empty();
            }
        });
    }

    /** The flow with its current version, or empty when it does not exist in this organization. */
    @Transactional
    public Optional<FlowWithSteps> findWithSteps(String organizationId, String flowId) {
        return find(organizationId, flowId).flatMap(flow -> findVersion(organizationId, flow.currentVersionId())
                .map(version -> new FlowWithSteps(flow, version)));
    }

    @Transactional
    public void markRun(String organizationId, String flowId, Instant at) {
        jdbc.prepareStatement("""
                UPDATE flows SET last_run_at = GREATEST(COALESCE(last_run_at, ?), ?) WHERE organization_id = ? AND id = ?""", st -> {
            st.setTimestamp(1, Timestamp.from(at));
            st.setTimestamp(2, Timestamp.from(at));
            st.setString(3, organizationId);
            st.setString(4, flowId);
            return st.executeUpdate();
        });
    }

    private static Flow flow(ResultSet rs) throws SQLException {
        Timestamp lastRun = rs.getTimestamp(9);
        return new Flow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getTimestamp(8).toInstant(),
                lastRun == null ? null : lastRun.toInstant());
    }

    private FlowVersion version(ResultSet rs) throws SQLException {
        return new FlowVersion(rs.getString(1), rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5),
                fromJson(rs.getString(6)), rs.getTimestamp(7).toInstant());
    }

    private String toJson(List<StepDefinition> steps) {
        try {
            return new String(json.writeValueAsBytes(STEPS, steps), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serialise flow steps", e);
        }
    }

    private List<StepDefinition> fromJson(String steps) {
        try {
            return json.readValue(steps.getBytes(StandardCharsets.UTF_8), STEPS);
        } catch (IOException e) {
            throw new UncheckedIOException("stored flow steps are not readable", e);
        }
    }
}
