package dev.runloom.kernel.web;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import dev.runloom.common.tenant.InternalTokens;
import dev.runloom.common.tenant.Tenant;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.core.annotation.Nullable;

/**
 * Services answer only requests that carry a valid internal token: the gateway is the only
 * public door. Health and management endpoints stay open for the orchestrator's probes.
 */
@ServerFilter({"/v1/**", "/internal/**"})
public class InternalAuthFilter {
    public static final String TENANT_ATTRIBUTE = "runloom.tenant";

    private final InternalTokens tokens;

    public InternalAuthFilter(InternalTokens tokens) {
        this.tokens = tokens;
    }

    @RequestFilter
    public @Nullable HttpResponse<Problem> authenticate(HttpRequest<?> request) {
        String token = request.getHeaders().get(InternalTokens.HEADER);
        if (token == null || token.isBlank()) {
            return reject(Problem.of(401, "Unauthorized", "unauthorized",
                    "Missing internal token: call the platform through the gateway", false));
        }
        try {
            request.setAttribute(TENANT_ATTRIBUTE, tokens.verify(token));
            return null;
        } catch (ProblemException e) {
            return reject(e.problem());
        }
    }

    private static HttpResponse<Problem> reject(Problem problem) {
        return HttpResponse.<Problem>status(HttpStatus.UNAUTHORIZED).contentType(Problem.MEDIA_TYPE).body(problem);
    }
}
