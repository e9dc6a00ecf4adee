package dev.runloom.schedules.schedule;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.testsupport.MicronautTestInfra;
import io.micronaut.http.client.HttpClient;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.net.URI;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A peer nobody listens for: the target check answers a retryable 503 rather than hanging or failing with a 500. */
class ScheduleTargetsTest {

    @Test
    void anUnreachablePeerIsARetryable503() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (HttpClient nobody = HttpClient.create(URI.create("http://127.0.0.1:" + port).toURL())) {
            ScheduleTargets targets = new ScheduleTargets(nobody, nobody,
                    new InternalTokens(MicronautTestInfra.TEST_INTERNAL_SECRET));
            for (String[] target : new String[][]{{"flow_1", null}, {null, "agent_1"}}) {
                ProblemException problem = catchThrowableOfType(ProblemException.class,
                        () -> targets.requireExists(ORG_A, target[0], target[1]));
                assertThat(problem.problem().status()).isEqualTo(503);
                assertThat(problem.problem().code()).isEqualTo("target_unavailable");
                assertThat(problem.problem().retryable()).isTrue();
                assertThat(problem.problem().detail()).contains(target[0] == null ? "agents-service" : "flows-service")
                        .contains("could not be reached");
            }
        }
    }
}
