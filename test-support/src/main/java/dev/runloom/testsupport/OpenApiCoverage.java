package dev.runloom.testsupport;

import dev.runloom.common.tenant.Tenant;
import io.micronaut.web.router.Router;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which of a service's routes its OpenAPI document leaves out. A service's test lists its router's
 * {@code /v1} routes as {@code "GET /v1/records/{id}"} and hands them here with the document it serves
 * at {@code /internal/openapi}; any route missing from the document's {@code paths} fails that test,
 * so a new endpoint cannot ship undocumented. Path variables compare by position, not by name, and a
 * URI template's query part ({@code {?limit,cursor}}) is ignored.
 */
public final class OpenApiCoverage {
    private static final Set<String> HTTP_METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

    private OpenApiCoverage() {
    }

    /**
     * What each service's {@code OpenApiDocumentTest} checks: the document it serves at
     * {@code /internal/openapi} is OpenAPI 3.1 and describes every {@code /v1} route its router has, and
     * the check can fail ({@code missingExample}, a route the service does not have, is reported).
     */
    public static void assertEveryV1RouteDocumented(ApiClient<Tenant> api, Router router, String missingExample) {
        Map<String, Object> document = api.get("/internal/openapi", TestTenants.ORG_A).assertStatus(200).body();
        assertThat(String.valueOf(document.get("openapi"))).startsWith("3.1");

        List<String> routes = router.uriRoutes()
                .map(route -> route.getHttpMethodName() + " " + route.getUriMatchTemplate().toPathString())
                .filter(route -> route.contains(" /v1/"))
                .toList();
        assertThat(routes).as("the router's /v1 routes").isNotEmpty();
        assertThat(undocumented(routes, document)).as("routes missing from the OpenAPI document").isEmpty();
        assertThat(undocumented(List.of(missingExample), document)).containsExactly(missingExample);
    }

    /** The routes ({@code "METHOD /path/{var}"}) under {@code /v1} that the document does not describe, sorted. */
    public static Set<String> undocumented(Collection<String> routes, Map<String, Object> document) {
        Set<String> documented = documented(document);
        Set<String> missing = new TreeSet<>();
        for (String route : routes) {
            int space = route.indexOf(' ');
            String path = route.substring(space + 1);
            if (path.startsWith("/v1/") || path.equals("/v1")) {
                String method = route.substring(0, space);
                // Micronaut answers HEAD wherever it answers GET; the document describes the GET
                String key = key("HEAD".equalsIgnoreCase(method) ? "GET" : method, path);
                if (!documented.contains(key)) {
                    missing.add(route);
                }
            }
        }
        return missing;
    }

    /** Every operation of the document as a comparable key. */
    @SuppressWarnings("unchecked")
    public static Set<String> documented(Map<String, Object> document) {
        Set<String> keys = new TreeSet<>();
        Object paths = document.get("paths");
        if (paths instanceof Map<?, ?> byPath) {
            byPath.forEach((path, item) -> {
                if (item instanceof Map<?, ?> operations) {
                    for (Object method : operations.keySet()) {
                        if (HTTP_METHODS.contains(String.valueOf(method).toLowerCase(Locale.ROOT))) {
                            keys.add(key(String.valueOf(method), String.valueOf(path)));
                        }
                    }
                }
            });
        }
        return keys;
    }

    /** {@code GET /v1/records/{}}: upper-case method, query template dropped, variables unnamed, no trailing slash. */
    public static String key(String method, String pathTemplate) {
        String path = pathTemplate;
        int query = path.indexOf("{?");
        if (query >= 0) {
            path = path.substring(0, query);
        }
        int queryMark = path.indexOf('?');
        if (queryMark >= 0) {
            path = path.substring(0, queryMark);
        }
        path = path.replaceAll("\\{[^}/]*}", "{}");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return method.toUpperCase(Locale.ROOT) + " " + path;
    }
}
