package dev.runloom.records.records;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.data.jdbc.runtime.JdbcOperations;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL for the {@code records} table. Every statement filters by organization. */
@Singleton
public class RecordRepository {
    private static final Argument<Map<String, Object>> JSON_OBJECT = Argument.mapOf(String.class, Object.class);
    private static final Argument<List<Map<String, Object>>> JSON_OBJECT_LIST = Argument.listOf(JSON_OBJECT);
    private static final String COLUMNS =
            "id, organization_id, user_id, type, name, metadata::text, messages::text, created_at, updated_at";

    /*
     * ON CONFLICT makes the uniqueness check and the insert one atomic step: of two concurrent
     * creates with the same (organization, type, name) exactly one gets a row back.
     */
    private static final String INSERT = """
            INSERT INTO records (id, organization_id, user_id, type, name, metadata, messages, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?)
            ON CONFLICT (organization_id, type, name) DO NOTHING
            RETURNING id""";

    private final JdbcOperations jdbc;
    private final JsonMapper json;

    public RecordRepository(JdbcOperations jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** @return false when a record with the same organization, type and name already exists */
    public boolean insertIfAbsent(Record record) {
        return jdbc.prepareStatement(INSERT, ps -> {
            ps.setString(1, record.id());
            ps.setString(2, record.organizationId());
            ps.setString(3, record.userId());
            ps.setString(4, record.type());
            ps.setString(5, record.name());
            ps.setString(6, toJson(record.metadata()));
            ps.setString(7, record.messages() == null ? null : toJson(record.messages()));
            ps.setObject(8, utc(record.createdAt()));
            ps.setObject(9, utc(record.updatedAt()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    public Optional<Record> find(String organizationId, String id) {
        return jdbc.prepareStatement("SELECT " + COLUMNS + " FROM records WHERE organization_id = ? AND id = ?", ps -> {
            ps.setString(1, organizationId);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        });
    }

    public boolean exists(String organizationId, String id) {
        return jdbc.prepareStatement("SELECT 1 FROM records WHERE organization_id = ? AND id = ?", ps -> {
            ps.setString(1, organizationId);
            ps.setString(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        });
    }

    /**
     * Newest first by (created_at, id); {@code beforeAt}/{@code beforeId} is the keyset position of
     * the last row already seen (both null for the first page).
     */
    public List<Record> listNewestFirst(String organizationId, @Nullable String type,
                                        @Nullable Instant beforeAt, @Nullable String beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM records WHERE organization_id = ?");
        if (type != null) {
            sql.append(" AND type = ?");
        }
        if (beforeAt != null) {
            sql.append(" AND (created_at, id) < (?, ?)");
        }
        sql.append(" ORDER BY created_at DESC, id DESC LIMIT ?");
        return jdbc.prepareStatement(sql.toString(), ps -> {
            int i = 1;
            ps.setString(i++, organizationId);
            if (type != null) {
                ps.setString(i++, type);
            }
            if (beforeAt != null) {
                ps.setObject(i++, utc(beforeAt));
                ps.setString(i++, beforeId);
            }
            ps.setInt(i, limit);
            return readAll(ps);
        });
    }

    public long count(String organizationId, @Nullable String type) {
        String sql = "SELECT count(*) FROM records WHERE organization_id = ?" + (type != null ? " AND type = ?" : "");
        return jdbc.prepareStatement(sql, ps -> {
            ps.setString(1, organizationId);
            if (type != null) {
                ps.setString(2, type);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    /** Records of a type in id order after {@code afterId} (exclusive); served by (organization_id, type, id). */
    public List<RecordRef> listByTypeAfter(String organizationId, String type, @Nullable String afterId, int limit) {
        String sql = "SELECT id, name, type, metadata::text FROM records WHERE organization_id = ? AND type = ?"
                + (afterId != null ? " AND id > ?" : "") + " ORDER BY id LIMIT ?";
        return jdbc.prepareStatement(sql, ps -> {
            int i = 1;
            ps.setString(i++, organizationId);
            ps.setString(i++, type);
            if (afterId != null) {
                ps.setString(i++, afterId);
            }
            ps.setInt(i, limit);
            List<RecordRef> refs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    refs.add(new RecordRef(rs.getString(1), rs.getString(2), rs.getString(3),
                            fromJson(rs.getString(4), JSON_OBJECT)));
                }
            }
            return refs;
        });
    }

    private List<Record> readAll(PreparedStatement ps) throws SQLException {
        List<Record> records = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                records.add(read(rs));
            }
        }
        return records;
    }

    private Record read(ResultSet rs) throws SQLException {
        String messages = rs.getString(7);
        return new Record(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                fromJson(rs.getString(6), JSON_OBJECT),
                messages == null ? null : fromJson(messages, JSON_OBJECT_LIST),
                rs.getObject(8, OffsetDateTime.class).toInstant(),
                rs.getObject(9, OffsetDateTime.class).toInstant());
    }

    private String toJson(Object value) {
        try {
            return new String(json.writeValueAsBytes(value), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T fromJson(String text, Argument<T> type) {
        try {
            return json.readValue(text.getBytes(StandardCharsets.UTF_8), type);
        } catch (IOException e) {
            throw new UncheckedIOException("stored JSON is unreadable", e);
        }
    }

    static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
