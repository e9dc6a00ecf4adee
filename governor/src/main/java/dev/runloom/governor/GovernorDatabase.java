package dev.runloom.governor;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;

/**
 * The governor's own small connection pool on the one database all replicas share
 * ({@code runloom.governor.datasource.url}), migrated with Flyway into schema {@code governor}
 * (history table {@code governor.flyway_schema_history}). Not a Micronaut {@code DataSource} bean, so
 * it never competes with a service's default datasource or its transactions. When no URL is set the
 * service's own database is used: limits then hold across the replicas of that one service only,
 * which the log says at start-up.
 */
@Singleton
@Requires(property = "runloom.governor.enabled", notEquals = "false")
public class GovernorDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GovernorDatabase.class);

    private final HikariDataSource dataSource;

    public GovernorDatabase(GovernorSettings settings,
                            @Value("${datasources.default.url:}") @Nullable String defaultUrl,
                            @Value("${datasources.default.username:}") @Nullable String defaultUser,
                            @Value("${datasources.default.password:}") @Nullable String defaultPassword) {
        GovernorSettings.DataSourceSettings ds = settings.getDatasource();
        boolean shared = ds.getUrl() != null && !ds.getUrl().isBlank();
        String url = shared ? ds.getUrl() : defaultUrl;
        if (url == null || url.isBlank()) {
            throw new IllegalStateException("the LLM governor needs runloom.governor.datasource.url (or a default datasource)");
        }
        if (!shared) {
            LOG.warn("runloom.governor.datasource.url is not set: the LLM governor keeps its state in this service's own "
                    + "database, so its limits hold across this service's replicas only; point every service at one database");
        }
        // a shared database named without its own credentials is reached with the service's (one user for all
        // the platform's databases, as the compose file and the Kubernetes secret set it up)
        boolean ownCredentials = shared && ds.getUsername() != null && !ds.getUsername().isBlank();
        this.dataSource = open(url, ownCredentials ? ds.getUsername() : defaultUser,
                ownCredentials ? ds.getPassword() : defaultPassword, ds.getMaximumPoolSize());
    }

    /** For tests and tools: a pool on {@code url}, migrated. */
    public GovernorDatabase(String url, @Nullable String user, @Nullable String password, int poolSize) {
        this.dataSource = open(url, user, password, poolSize);
    }

    private static HikariDataSource open(String url, @Nullable String user, @Nullable String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(Math.max(1, poolSize));
        config.setMinimumIdle(1);
        config.setPoolName("runloom-governor");
        config.setConnectionTimeout(5_000);
        HikariDataSource pool = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(pool)
                    .schemas("governor")
                    .defaultSchema("governor")
                    .createSchemas(true)
                    .locations("classpath:db/governor")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
        return pool;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @Override
    @PreDestroy
    public void close() {
        dataSource.close();
    }
}
