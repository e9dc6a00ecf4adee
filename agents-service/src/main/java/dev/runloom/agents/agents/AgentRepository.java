package dev.runloom.agents.agents;

import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;

/** Plain SQL over {@code agents}; every query is scoped to the caller's organization. */
@Singleton
public class AgentRepository {
    private static final String INSERT = """
            INSERT INTO agents (id, organization_id, user_id, name, description, icon, agent_type, primary_flow_id,
                                config, status, published_version_id, draft_version_id, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?)""";
    private static final String FIND = """
            SELECT id, organization_id, user_id, name, description, icon, agent_type, primary_flow_id, config::text,
                   status, published_version_id, draft_version_id, created_at, updated_at
            FROM agents WHERE organization_id = ? AND id = ?""";

    private final JdbcOperations jdbc;
    private final JsonMapper json;

    public AgentRepository(JdbcOperations jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void insert(Agent agent) {
        jdbc.prepareStatement(INSERT, statement -> {
            statement.setString(1, agent.id());
            statement.setString(2, agent.organizationId());
            statement.setString(3, agent.userId());
            statement.setString(4, agent.name());
            statement.setString(5, agent.description());
            statement.setString(6, agent.icon());
            statement.setString(7, agent.agentType());
            statement.setString(8, agent.primaryFlowId());
            statement.setString(9, toJson(agent.config()));
            statement.setString(10, agent.status());
            statement.setString(11, agent.publishedVersionId());
            statement.setString(12, agent.draftVersionId());
            statement.setObject(13, utc(agent.createdAt()));
            statement.setObject(14, utc(agent.updatedAt()));
            return statement.executeUpdate();
        });
    }

    public Optional<Agent> find(String organizationId, String id) {
        return jdbc.prepareStatement(FIND, statement -> {
            statement.setString(1, organizationId);
            statement.setString(2, id);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(read(row)) : Optional.empty();
            }
        });
    }

    private Agent read(ResultSet row) throws SQLException {
        return new Agent(row.getString(1), row.getString(2), row.getString(3), row.getString(4), row.getString(5),
                row.getString(6), row.getString(7), row.getString(8), fromJson(row.getString(9)), row.getString(10),
                row.getString(11), row.getString(12),
                row.getObject(13, OffsetDateTime.class).toInstant(), row.getObject(14, OffsetDateTime.class).toInstant());
    }

    /** Bound as {@code timestamptz}: an {@link OffsetDateTime} is not shifted by the JVM's time zone. */
    private static OffsetDateTime utc(Instant instant) {
        return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private String toJson(AgentConfig config) {
        try {
            return json.writeValueAsString(config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private AgentConfig fromJson(String config) {
        try {
            return json.readValue(config, AgentConfig.class);
        } catch (IOException e) {
            throw new UncheckedIOException("stored agent config is unreadable", e);
        }
    }
}
