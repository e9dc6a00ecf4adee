package dev.runloom.gateway.auth;

import dev.runloom.common.id.Ids;
import io.micronaut.transaction.TransactionOperations;
import jakarta.inject.Singleton;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The {@code api_keys} table, looked up by key hash. */
@Singleton
public class ApiKeyRepository {
    private static final String COLUMNS = "id, organization_id, user_id, name, key_prefix, scopes, created_at, revoked_at";

    private final TransactionOperations<Connection> transactions;

    public ApiKeyRepository(TransactionOperations<Connection> transactions) {
        this.transactions = transactions;
    }

    public Optional<ApiKey> findByHash(String keyHash) {
        return transactions.executeRead(status -> {
            try (PreparedStatement select = status.getConnection().prepareStatement(
                    "SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ?")) {
                select.setString(1, keyHash);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(map(row)) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read api_keys", e);
            }
        });
    }

    public Optional<ApiKey> findById(String id) {
        return transactions.executeRead(status -> {
            try (PreparedStatement select = status.getConnection().prepareStatement(
                    "SELECT " + COLUMNS + " FROM api_keys WHERE id = ?")) {
                select.setString(1, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(map(row)) : Optional.empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read api_keys", e);
            }
        });
    }

    /**
     * Inserts the key, or — when a key with this hash exists — brings its owner, name and scopes in
     * line with the caller's. Never touches {@code revoked_at}: a revoked key stays revoked even if it
     * is still configured. Returns the stored row.
     */
    public ApiKey upsert(String keyHash, String keyPrefix, String organizationId, String userId, String name,
                         List<String> scopes) {
        return transactions.executeWrite(status -> {
            Connection connection = status.getConnection();
            try (PreparedStatement upsert = connection.prepareStatement("""
                    INSERT INTO api_keys (id, organization_id, user_id, name, key_prefix, key_hash, scopes, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (key_hash) DO UPDATE SET organization_id = EXCLUDED.organization_id,
                        user_id = EXCLUDED.user_id, name = EXCLUDED.name, scopes = EXCLUDED.scopes
                    RETURNING\s""" + COLUMNS)) {
                upsert.setString(1, Ids.newId("key"));
                upsert.setString(2, organizationId);
                upsert.setString(3, userId);
                upsert.setString(4, name);
                upsert.setString(5, keyPrefix);
                upsert.setString(6, keyHash);
                upsert.setArray(7, connection.createArrayOf("text", scopes.toArray()));
                upsert.setTimestamp(8, Timestamp.from(Instant.now().truncatedTo(ChronoUnit.MILLIS)));
                try (ResultSet row = upsert.executeQuery()) {
                    row.next();
                    return map(row);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot write api_keys", e);
            }
        });
    }

    /** Marks the key revoked (first revocation time wins); false when no such key. */
    public boolean revoke(String id) {
        return transactions.executeWrite(status -> {
            try (PreparedStatement update = status.getConnection().prepareStatement(
                    "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = ?")) {
                update.setString(1, id);
                return update.executeUpdate() == 1;
            } catch (SQLException e) {
                throw new IllegalStateException("cannot write api_keys", e);
            }
        });
    }

    public long countByHash(String keyHash) {
        return transactions.executeRead(status -> {
            try (PreparedStatement select = status.getConnection().prepareStatement(
                    "SELECT count(*) FROM api_keys WHERE key_hash = ?")) {
                select.setString(1, keyHash);
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return row.getLong(1);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot read api_keys", e);
            }
        });
    }

    private static ApiKey map(ResultSet row) throws SQLException {
        Array array = row.getArray("scopes");
        Set<String> scopes = new LinkedHashSet<>();
        if (array != null) {
            for (Object scope : (Object[]) array.getArray()) {
                scopes.add((String) scope);
            }
        }
        Timestamp revokedAt = row.getTimestamp("revoked_at");
        return new ApiKey(row.getString("id"), row.getString("organization_id"), row.getString("user_id"),
                row.getString("name"), row.getString("key_prefix"), Set.copyOf(scopes),
                row.getTimestamp("created_at").toInstant(), revokedAt == null ? null : revokedAt.toInstant());
    }
}
