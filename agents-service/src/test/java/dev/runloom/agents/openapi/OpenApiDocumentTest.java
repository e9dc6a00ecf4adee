package dev.runloom.agents.openapi;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.testsupport.ApiClient;
import dev.runloom.testsupport.OpenApiCoverage;
import dev.runloom.testsupport.ServiceTest;
import io.micronaut.web.router.Router;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.runloom.testsupport.TestTenants.ORG_A;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's OpenAPI document (generated at compile time by micronaut-openapi, served to the gateway
 * at {@code /internal/openapi}) describes every {@code /v1} route the router has: adding an endpoint
 * without it appearing in {@code GET /v1/openapi.json} fails here.
 */
@ServiceTest("agents")
class OpenApiDocumentTest {
    @Inject
    ApiClient<Tenant> api;
    @Inject
    Router router;

    @Test
    void everyV1RouteIsDocumented() {
        ApiClient.Reply reply = api.get("/internal/openapi", ORG_A).assertStatus(200);
        Map<String, Object> document = reply.body();
        assertThat(String.valueOf(document.get("openapi"))).startsWith("3.1");

        List<String> routes = router.uriRoutes()
                .map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate().toPathString())
                .filter(route -> route.contains(" /v1/"))
                .toList();
        assertThat(routes).as("the router's /v1 routes").isNotEmpty();
        assertThat(OpenApiCoverage.undocumented(routes, document)).as("routes missing from the OpenAPI document").isEmpty();
        // the check can fail: a route the document lacks is reported
        assertThat(OpenApiCoverage.undocumented(List.of("GET /v1/agents/{id}/undocumented"), document))
                .containsExactly("GET /v1/agents/{id}/undocumented");
    }

    @Test
    void theDocumentIsInternal() {
        assertThat(api.get("/internal/openapi", null).status()).isEqualTo(401);
    }
}
