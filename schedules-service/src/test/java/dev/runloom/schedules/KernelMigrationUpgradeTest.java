package dev.runloom.schedules;

import dev.runloom.testsupport.ServiceTest;
import dev.runloom.testsupport.TestInfrastructure;
import io.micronaut.flyway.FlywayConfigurationProperties;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kernel migration added after a service's own (db/runloom's V0_2 behind db/schedules' V1, V2)
 * still runs on a database migrated before it: the service's Flyway configuration allows it
 * ({@code out-of-order}), where Flyway would otherwise refuse to start ("resolved migration not applied").
 */
@ServiceTest("schedules")
class KernelMigrationUpgradeTest {
    @Inject @Named("default") FlywayConfigurationProperties flyway;

    @Test
    void aDatabaseMigratedBeforeTheOutboxExtensionsColumnGetsItOnUpgrade() throws Exception {
        TestInfrastructure infra = TestInfrastructure.get();
        String database = infra.newDatabase("schedules_before_v0_2");
        // the database as an installation before V0_2 left it: the kernel's V0_1 (byte for byte) and the service's
        Flyway.configure().dataSource(database, infra.dbUser(), infra.dbPassword())
                .locations("classpath:db/before-outbox-extensions", "classpath:db/schedules").load().migrate();

        // the service's own Flyway configuration, as it migrates at start-up
        Flyway.configure().configuration(flyway.getFluentConfiguration())
                .dataSource(database, infra.dbUser(), infra.dbPassword()).load().migrate();

        try (Connection c = DriverManager.getConnection(database, infra.dbUser(), infra.dbPassword());
             Statement st = c.createStatement()) {
            List<String> history = new ArrayList<>();
            try (ResultSet rows = st.executeQuery("SELECT version, success FROM flyway_schema_history"
                    + " WHERE version IS NOT NULL ORDER BY installed_rank")) {
                while (rows.next()) {
                    history.add(rows.getString(1) + ":" + rows.getBoolean(2));
                }
            }
            assertThat(history).startsWith("0.1:true", "1:true").endsWith("0.2:true", "0.3:true", "0.4:true");
            try (ResultSet column = st.executeQuery("SELECT data_type FROM information_schema.columns"
                    + " WHERE table_name = 'runloom_outbox' AND column_name = 'extensions'")) {
                assertThat(column.next()).as("runloom_outbox.extensions exists").isTrue();
                assertThat(column.getString(1)).as("text since V0_3").isEqualTo("text");
            }
            try (ResultSet index = st.executeQuery("SELECT 1 FROM pg_indexes WHERE indexname = 'runloom_outbox_unsent'")) {
                assertThat(index.next()).as("the partial index of unsent rows is dropped by V0_4").isFalse();
            }
        }
    }
}
