package dev.runloom.flows.steps.peers;

import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import dev.runloom.flows.steps.StepContext;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.HttpClientResponseException;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Calls another service on behalf of the execution's tenant (a fresh internal token each time) and
 * turns its failures into step failures with a readable message: the problem's detail when the peer
 * answered one, "unreachable" when it did not answer.
 */
@Singleton
public class PeerCalls {
    private static final Set<String> SCOPES = Set.of("flows:execute");

    private final InternalTokens tokens;

    public PeerCalls(InternalTokens tokens) {
        this.tokens = tokens;
    }

    public <T> T call(String peer, StepContext context, Function<String, T> call) {
        Tenant tenant = new Tenant(context.organizationId(),
                context.userId() != null ? context.userId() : "flow:" + context.flowId(), SCOPES);
        try {
            return call.apply(tokens.sign(tenant));
        } catch (HttpClientResponseException e) {
            throw new IllegalStateException(peer + " answered " + e.getStatus().getCode() + ": " + detail(e));
        } catch (HttpClientException e) {
            throw new IllegalStateException(peer + " is unreachable: " + e.getMessage());
        }
    }

    private static String detail(HttpClientResponseException e) {
        try {
            Map<?, ?> problem = e.getResponse().getBody(Map.class).orElse(null);
            if (problem != null && problem.get("detail") != null) {
                return String.valueOf(problem.get("detail"));
            }
        } catch (RuntimeException ignored) {
            // no readable problem body: the status says enough
        }
        return e.getMessage();
    }
}
