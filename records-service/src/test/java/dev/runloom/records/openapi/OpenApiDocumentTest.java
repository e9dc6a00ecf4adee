package dev.runloom.records.openapi;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.OpenApiCoverage;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.web.router.Router;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's OpenAPI document (generated at compile time by micronaut-openapi, served to the gateway
 * at {@code /internal/openapi}) describes every {@code /v1} route the router has: adding an endpoint
 * without it appearing in {@code GET /v1/openapi.json} fails here.
 */
@ServiceTest("records")
class OpenApiDocumentTest {
    @Inject
    ApiClient<Tenant> api;
    @Inject
    Router router;

    @Test
    void everyV1RouteIsDocumented() {
        OpenApiCoverage.assertEveryV1RouteDocumented(api, router, "GET /v1/records/{id}/undocumented");
    }

    @Test
    void theDocumentIsInternal() {
        assertThat(api.get("/internal/openapi", null).status()).isEqualTo(401);
    }
}
