package dev.runloom.governor;

import io.micronaut.core.annotation.Nullable;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The governor's SQL, over its own connection pool on the shared database (schema {@code governor}).
 * Every decision uses the database's clock, so replicas with skewed clocks agree. An admission is one
 * short transaction under a transaction-scoped advisory lock per provider: expired leases are removed,
 * the provider's and the organization's active leases, the organization's pause and the current
 * minute's tokens are read, and a lease is inserted when everything has room.
 */
public class GovernorStore {
    private final DataSource dataSource;

    public GovernorStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** What one admission attempt found: a lease id, or how long to wait before asking again. */
    public record Admission(@Nullable String leaseId, Instant dbNow, @Nullable Instant pausedUntil,
                            @Nullable Instant nextWindow, String reason) {
        public boolean granted() {
            return leaseId != null;
        }
    }

    public Admission tryAcquire(String organizationId, String provider, String priority, String holder,
                                GovernorLimits limits, Duration holdAtMost) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Admission admission = admit(c, organizationId, provider, priority, holder, limits, holdAtMost);
                c.commit();
                return admission;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private Admission admit(Connection c, String org, String provider, String priority, String holder,
                            GovernorLimits limits, Duration holdAtMost) throws SQLException {
        try (PreparedStatement lock = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, "runloom.governor:" + provider);
            lock.execute();
        }
        try (PreparedStatement expire = c.prepareStatement(
                "DELETE FROM governor.leases WHERE provider = ? AND expires_at < now()")) {
            expire.setString(1, provider);
            expire.executeUpdate();
        }
        if (ThreadLocalRandom.current().nextInt(200) == 0) {
            try (PreparedStatement old = c.prepareStatement(
                    "DELETE FROM governor.token_windows WHERE provider = ? AND window_start < now() - interval '1 hour'")) {
                old.setString(1, provider);
                old.executeUpdate();
            }
        }
        boolean batch = "batch".equals(priority);
        String sql = """
                SELECT now() AS db_now,
                       date_trunc('minute', now()) + interval '1 minute' AS next_window,
                       (SELECT count(*) FROM governor.leases WHERE provider = ?) AS provider_active,
                       (SELECT count(*) FROM governor.leases WHERE provider = ? AND organization_id = ?) AS org_active,
                       (SELECT paused_until FROM governor.pauses
                         WHERE organization_id = ? AND provider = ? AND paused_until > now()) AS paused_until,
                       (SELECT coalesce(sum(tokens), 0) FROM governor.token_windows
                         WHERE provider = ? AND window_start = date_trunc('minute', now())) AS provider_tokens,
                       (SELECT coalesce(sum(tokens), 0) FROM governor.token_windows
                         WHERE provider = ? AND organization_id = ? AND window_start = date_trunc('minute', now())) AS org_tokens
                """;
        Instant dbNow;
        Instant nextWindow;
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, provider);
            st.setString(2, provider);
            st.setString(3, org);
            st.setString(4, org);
            st.setString(5, provider);
            st.setString(6, provider);
            st.setString(7, provider);
            st.setString(8, org);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                dbNow = rs.getTimestamp("db_now").toInstant();
                nextWindow = rs.getTimestamp("next_window").toInstant();
                Timestamp paused = rs.getTimestamp("paused_until");
                if (paused != null) {
                    return new Admission(null, dbNow, paused.toInstant(), null, "paused after a rate limit");
                }
                if (limits.orgTokensPerMinute() > 0 && rs.getLong("org_tokens") >= limits.orgTokensPerMinute()) {
                    return new Admission(null, dbNow, null, nextWindow, "organization tokens per minute used up");
                }
                if (limits.tokensPerMinute() > 0 && rs.getLong("provider_tokens") >= limits.tokensPerMinute()) {
                    return new Admission(null, dbNow, null, nextWindow, "provider tokens per minute used up");
                }
                int orgLimit = GovernorLimits.usable(limits.orgConcurrency(), batch, limits.interactiveReserve());
                if (orgLimit > 0 && rs.getLong("org_active") >= orgLimit) {
                    return new Admission(null, dbNow, null, null, "organization concurrency reached");
                }
                int providerLimit = GovernorLimits.usable(limits.concurrency(), batch, limits.interactiveReserve());
                if (providerLimit > 0 && rs.getLong("provider_active") >= providerLimit) {
                    return new Admission(null, dbNow, null, null, "provider concurrency reached");
                }
            }
        }
        String leaseId = java.util.UUID.randomUUID().toString();
        try (PreparedStatement insert = c.prepareStatement("""
                INSERT INTO governor.leases (lease_id, organization_id, provider, priority, holder, acquired_at, expires_at)
                VALUES (?, ?, ?, ?, ?, now(), now() + make_interval(secs => ?))""")) {
            insert.setString(1, leaseId);
            insert.setString(2, org);
            insert.setString(3, provider);
            insert.setString(4, priority);
            insert.setString(5, holder);
            insert.setDouble(6, holdAtMost.toMillis() / 1000.0);
            insert.executeUpdate();
        }
        return new Admission(leaseId, dbNow, null, null, "granted");
    }

    /** Ends a lease and adds the tokens the call used to the current minute of its organization and provider. */
    public void release(String leaseId, String organizationId, String provider, long tokens) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM governor.leases WHERE lease_id = ?")) {
                    delete.setString(1, leaseId);
                    delete.executeUpdate();
                }
                if (tokens > 0) {
                    addTokens(c, organizationId, provider, tokens);
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void addTokens(Connection c, String org, String provider, long tokens) throws SQLException {
        try (PreparedStatement add = c.prepareStatement("""
                INSERT INTO governor.token_windows (organization_id, provider, window_start, tokens)
                VALUES (?, ?, date_trunc('minute', now()), ?)
                ON CONFLICT (provider, window_start, organization_id)
                DO UPDATE SET tokens = governor.token_windows.tokens + EXCLUDED.tokens""")) {
            add.setString(1, org);
            add.setString(2, provider);
            add.setLong(3, tokens);
            add.executeUpdate();
        }
    }

    /** Pauses the organization's calls to the provider until at least {@code pause} from now (a later pause wins). */
    public void pause(String organizationId, String provider, Duration pause, String reason) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("""
                     INSERT INTO governor.pauses (organization_id, provider, paused_until, reason)
                     VALUES (?, ?, now() + make_interval(secs => ?), ?)
                     ON CONFLICT (organization_id, provider) DO UPDATE
                     SET paused_until = GREATEST(governor.pauses.paused_until, EXCLUDED.paused_until),
                         reason = EXCLUDED.reason""")) {
            st.setString(1, organizationId);
            st.setString(2, provider);
            st.setDouble(3, pause.toMillis() / 1000.0);
            st.setString(4, reason);
            st.executeUpdate();
        }
    }

    /** What the organization has under way with one provider, as {@code GET /v1/governor} shows it. */
    public record ProviderState(String provider, long interactiveInFlight, long batchInFlight, long providerInFlight,
                                long tokensThisMinute, long providerTokensThisMinute, @Nullable Instant pausedUntil) {
    }

    public ProviderState state(String organizationId, String provider) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("""
                     SELECT (SELECT count(*) FROM governor.leases WHERE provider = ? AND organization_id = ?
                               AND priority = 'interactive' AND expires_at >= now()) AS interactive,
                            (SELECT count(*) FROM governor.leases WHERE provider = ? AND organization_id = ?
                               AND priority = 'batch' AND expires_at >= now()) AS batch,
                            (SELECT count(*) FROM governor.leases WHERE provider = ? AND expires_at >= now()) AS provider_active,
                            (SELECT coalesce(sum(tokens), 0) FROM governor.token_windows WHERE provider = ?
                               AND organization_id = ? AND window_start = date_trunc('minute', now())) AS org_tokens,
                            (SELECT coalesce(sum(tokens), 0) FROM governor.token_windows WHERE provider = ?
                               AND window_start = date_trunc('minute', now())) AS provider_tokens,
                            (SELECT paused_until FROM governor.pauses WHERE organization_id = ? AND provider = ?
                               AND paused_until > now()) AS paused_until""")) {
            int i = 1;
            st.setString(i++, provider);
            st.setString(i++, organizationId);
            st.setString(i++, provider);
            st.setString(i++, organizationId);
            st.setString(i++, provider);
            st.setString(i++, provider);
            st.setString(i++, organizationId);
            st.setString(i++, provider);
            st.setString(i++, organizationId);
            st.setString(i, provider);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                Timestamp paused = rs.getTimestamp("paused_until");
                return new ProviderState(provider, rs.getLong("interactive"), rs.getLong("batch"),
                        rs.getLong("provider_active"), rs.getLong("org_tokens"), rs.getLong("provider_tokens"),
                        paused == null ? null : paused.toInstant());
            }
        }
    }

    /** Providers the organization has state with (leases, pauses, tokens in the last hour). */
    public List<String> providersOf(String organizationId) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement st = c.prepareStatement("""
                     SELECT provider FROM governor.leases WHERE organization_id = ?
                     UNION SELECT provider FROM governor.pauses WHERE organization_id = ? AND paused_until > now()
                     UNION SELECT provider FROM governor.token_windows WHERE organization_id = ?
                       AND window_start > now() - interval '1 hour'""")) {
            st.setString(1, organizationId);
            st.setString(2, organizationId);
            st.setString(3, organizationId);
            List<String> providers = new ArrayList<>();
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    providers.add(rs.getString(1));
                }
            }
            return providers;
        }
    }
}
