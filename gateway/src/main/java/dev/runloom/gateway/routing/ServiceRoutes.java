package dev.runloom.gateway.routing;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;

import java.util.List;
import java.util.Optional;

/**
 * Which service answers which part of {@code /v1}: a path belongs to a prefix when it equals it or
 * continues it with {@code /} ({@code /v1/records/x} is records', {@code /v1/recordsx} nobody's).
 */
@Singleton
public class ServiceRoutes {
    private final List<Route> routes;
    private final List<Upstream> upstreams;

    /** Each URL may list several replicas, comma-separated (see {@link Upstream}). */
    public ServiceRoutes(@Value("${runloom.services.records-url:`http://localhost:8081`}") String recordsUrls,
                         @Value("${runloom.services.flows-url:`http://localhost:8082`}") String flowsUrls,
                         @Value("${runloom.services.schedules-url:`http://localhost:8083`}") String schedulesUrls,
                         @Value("${runloom.services.agents-url:`http://localhost:8084`}") String agentsUrls) {
        Upstream records = Upstream.parse(recordsUrls);
        Upstream flows = Upstream.parse(flowsUrls);
        Upstream schedules = Upstream.parse(schedulesUrls);
        Upstream agents = Upstream.parse(agentsUrls);
        this.upstreams = List.of(records, flows, schedules, agents);
        this.routes = List.of(
                new Route("/v1/records", "records-service", records),
                new Route("/v1/flows", "flows-service", flows),
                new Route("/v1/flow-versions", "flows-service", flows),
                new Route("/v1/flow-steps", "flows-service", flows),
                new Route("/v1/batch", "flows-service", flows),
                new Route("/v1/governor", "flows-service", flows),
                new Route("/v1/costs", "flows-service", flows),
                new Route("/v1/budgets", "flows-service", flows),
                new Route("/v1/schedules", "schedules-service", schedules),
                new Route("/v1/agents", "agents-service", agents),
                new Route("/v1/agent-versions", "agents-service", agents));
    }

    /** The route for a raw request path, if any service serves it. */
    public Optional<Route> resolve(String rawPath) {
        for (Route route : routes) {
            if (rawPath.equals(route.prefix()) || rawPath.startsWith(route.prefix() + "/")) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    /** The four services' replicas, in the order records, flows, schedules, agents. */
    public List<Upstream> upstreams() {
        return upstreams;
    }

    public record Route(String prefix, String service, Upstream upstream) {
    }
}
