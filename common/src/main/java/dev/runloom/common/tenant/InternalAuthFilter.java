package dev.runloom.common.tenant;

import dev.runloom.common.problem.Problem;
import dev.runloom.common.problem.ProblemException;
import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.core.annotation.Nullable;

/**
 * Services answer only requests that carry a valid internal token: the gateway is the only
 * public door. Health and management endpoints stay open for the orchestrator's probes.
 * The gateway itself sets {@code runloom.internal.require-token=false}.
 */
@ServerFilter({"/v1/**", "/internal/**"})
@Requires(property = "runloom.internal.require-token", notEquals = "false")
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
