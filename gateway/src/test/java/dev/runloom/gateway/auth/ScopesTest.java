package dev.runloom.gateway.auth;

import io.micronaut.http.HttpMethod;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The one table from method + path to the scope a key needs. */
class ScopesTest {

    @Test
    void eachRouteNeedsTheScopeOfWhatItDoes() {
        assertThat(Scopes.requiredFor(HttpMethod.GET, "/v1/records")).isEqualTo("RECORDS:READ");
        assertThat(Scopes.requiredFor(HttpMethod.GET, "/v1/records/export")).isEqualTo("RECORDS:READ");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/records/preview-filter")).isEqualTo("RECORDS:READ");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/records/upload-csv")).isEqualTo("RECORDS:WRITE");
        assertThat(Scopes.requiredFor(HttpMethod.DELETE, "/v1/records/record_1")).isEqualTo("RECORDS:WRITE");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/flows/flow_1/run-on-record-type")).isEqualTo("FLOWS:EXECUTE");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/batch/flow")).isEqualTo("FLOWS:EXECUTE");
        assertThat(Scopes.requiredFor(HttpMethod.GET, "/v1/governor")).isEqualTo("USAGE:READ");
        assertThat(Scopes.requiredFor(HttpMethod.GET, "/v1/costs/ledger")).isEqualTo("USAGE:READ");
        assertThat(Scopes.requiredFor(HttpMethod.PUT, "/v1/budgets")).isEqualTo("USAGE:WRITE");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/batch/batch_1/resume")).isEqualTo("FLOWS:EXECUTE");
        assertThat(Scopes.requiredFor(HttpMethod.GET, "/v1/batch/summary")).isEqualTo("FLOWS:READ");
        assertThat(Scopes.requiredFor(HttpMethod.PUT, "/v1/flows/flow_1")).isEqualTo("FLOWS:WRITE");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/schedules/s_1/run")).isEqualTo("SCHEDULES:EXECUTE");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/agents/a_1/execute")).isEqualTo("AGENTS:EXECUTE");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/agents/fetch-agent-card")).isEqualTo("AGENTS:WRITE");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/agents/a_1/refresh-agent-card")).isEqualTo("AGENTS:WRITE");
        assertThat(Scopes.requiredFor(HttpMethod.POST, "/v1/api-keys")).isEqualTo("API_KEYS:WRITE");
    }

    @Test
    void aRouteTheTableDoesNotNameNeedsTheWildcard() {
        assertThat(Scopes.requiredFor(HttpMethod.GET, "/v1/something-new")).isEqualTo(Scopes.ALL);
    }

    @Test
    void theWildcardGrantsEverythingAndAReadScopeNoWrite() {
        assertThat(Scopes.grants(Set.of(Scopes.ALL), "RECORDS:WRITE")).isTrue();
        assertThat(Scopes.grants(Set.of("RECORDS:READ"), "RECORDS:READ")).isTrue();
        assertThat(Scopes.grants(Set.of("RECORDS:READ"), "RECORDS:WRITE")).isFalse();
        assertThat(Scopes.grants(Set.of("FLOWS:WRITE"), "FLOWS:EXECUTE")).isFalse();
    }
}
