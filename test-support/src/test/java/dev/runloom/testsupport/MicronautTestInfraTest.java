package dev.runloom.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.junit.jupiter.api.Test;

class MicronautTestInfraTest {

    @Test
    void eachCallGetsItsOwnReachableDatabaseAndTopicPrefix() throws Exception {
        Map<String, String> a = MicronautTestInfra.serviceProperties("records");
        Map<String, String> b = MicronautTestInfra.serviceProperties("records");

        assertNotEquals(a.get("datasources.default.url"), b.get("datasources.default.url"));
        assertNotEquals(a.get("runloom.kafka.topic-prefix"), b.get("runloom.kafka.topic-prefix"));
        assertTrue(a.get("datasources.default.url").contains("reWriteBatchedInserts=true"));
        assertEquals("org.postgresql.Driver", a.get("datasources.default.driver-class-name"));
        assertEquals(MicronautTestInfra.TEST_INTERNAL_SECRET, a.get("runloom.internal.secret"));
        assertTrue(MicronautTestInfra.TEST_INTERNAL_SECRET.length() >= 32);
        assertTrue(a.get("runloom.kafka.topic-prefix").matches("[a-z0-9]+\\."), a.get("runloom.kafka.topic-prefix"));

        // distinct databases, not two names for one: a table made in a is absent from b
        try (Connection ca = connect(a); Statement st = ca.createStatement()) {
            st.execute("CREATE TABLE only_in_a (id int)");
        }
        try (Connection cb = connect(b); Statement st = cb.createStatement();
             ResultSet rs = st.executeQuery("SELECT to_regclass('only_in_a') IS NULL, current_database()")) {
            rs.next();
            assertTrue(rs.getBoolean(1), "table of the first database visible in the second");
            assertTrue(b.get("datasources.default.url").contains("/" + rs.getString(2) + "?"));
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, a.get("kafka.bootstrap.servers")))) {
            DescribeClusterResult cluster = admin.describeCluster();
            assertFalse(cluster.nodes().get(30, TimeUnit.SECONDS).isEmpty());
            assertFalse(cluster.clusterId().get(30, TimeUnit.SECONDS).isBlank());
        }
        assertSame(TestInfrastructure.get(), TestInfrastructure.get());
    }

    /** Option (a), for real: point a second instance at the first one's servers through settings. */
    @Test
    void existingServersNamedBySettingsAreUsed() throws Exception {
        TestInfrastructure shared = TestInfrastructure.get();
        String adminUrl = shared.newDatabase("admin"); // any database serves as the admin database
        Map<String, String> settings = Map.of(
                "RUNLOOM_TEST_JDBC_URL", adminUrl.replace("reWriteBatchedInserts=true", "connectTimeout=5"),
                "RUNLOOM_TEST_DB_USER", shared.dbUser(),
                "RUNLOOM_TEST_DB_PASSWORD", shared.dbPassword(),
                "RUNLOOM_TEST_KAFKA_BOOTSTRAP", shared.kafkaBootstrapServers());
        TestInfrastructure external = TestInfrastructure.create(settings::get);

        assertEquals("postgres=external kafka=external", external.description());
        assertEquals(shared.kafkaBootstrapServers(), external.kafkaBootstrapServers());
        String url = external.newDatabase("Flows-Service!");
        assertTrue(url.matches(".*/flows_service__\\d+_[0-9a-f]{6}\\?connectTimeout=5&reWriteBatchedInserts=true"), url);
        try (Connection c = DriverManager.getConnection(url, external.dbUser(), external.dbPassword())) {
            assertTrue(c.isValid(5));
        }
    }

    @Test
    void externalJdbcUrlsAreTakenApart() {
        var pg = TestInfrastructure.PgServer.external("jdbc:postgresql://db1:5432,db2:5433/admin?sslmode=require", "u", "p");
        assertEquals("jdbc:postgresql://db1:5432,db2:5433/admin?sslmode=require", pg.adminJdbcUrl());
        assertEquals("jdbc:postgresql://db1:5432,db2:5433/x?sslmode=require&reWriteBatchedInserts=true", pg.jdbcUrl("x"));
        var bare = TestInfrastructure.PgServer.external("jdbc:postgresql://db:5432", null, null);
        assertEquals("jdbc:postgresql://db:5432/postgres", bare.adminJdbcUrl());
        assertEquals("postgres", bare.user());
        assertThrows(IllegalArgumentException.class, () -> TestInfrastructure.PgServer.external("jdbc:mysql://db/x", null, null));
        assertEquals("db_9lives", TestInfrastructure.sanitize("9lives"));
    }

    private static Connection connect(Map<String, String> p) throws SQLException {
        return DriverManager.getConnection(p.get("datasources.default.url"),
                p.get("datasources.default.username"), p.get("datasources.default.password"));
    }
}
