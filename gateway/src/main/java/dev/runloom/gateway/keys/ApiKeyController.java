package dev.runloom.gateway.keys;

import dev.runloom.common.tenant.Tenant;
import dev.runloom.gateway.auth.ApiKey;
import dev.runloom.gateway.auth.ApiKeyAuthFilter;
import dev.runloom.gateway.auth.ApiKeyService;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Patch;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.http.annotation.RequestAttribute;

import java.util.Set;

/**
 * API keys as a resource of the caller's organization (scopes {@code API_KEYS:READ} / {@code API_KEYS:WRITE},
 * enforced by {@link ApiKeyAuthFilter}). The key itself appears once, in the answer to create and
 * regenerate; delete revokes (the key stays listed with {@code revokedAt}).
 */
@Controller("/v1/api-keys")
public class ApiKeyController {
    private final ApiKeyService keys;

    public ApiKeyController(ApiKeyService keys) {
        this.keys = keys;
    }

    @Get
    public ApiKeyResponse.Page list(@RequestAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE) Tenant tenant) {
        return new ApiKeyResponse.Page(keys.list(tenant.organizationId()).stream().map(ApiKeyResponse::of).toList());
    }

    @Post
    public HttpResponse<ApiKeyResponse> create(@RequestAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE) Tenant tenant,
                                               @Body ApiKeyRequests.Create body) {
        String name = ApiKeyRequests.name(body.name(), true);
        Set<String> scopes = ApiKeyRequests.scopes(body.scopes(), tenant);
        ApiKeyService.CreatedApiKey created = keys.create(tenant.organizationId(), tenant.userId(), name,
                scopes.stream().toList(), ApiKeyRequests.environment(body.environment()),
                ApiKeyRequests.expiresAt(body.expiresAt()));
        return HttpResponse.created(ApiKeyResponse.of(created.apiKey(), created.key()));
    }

    @Get("/{id}")
    public ApiKeyResponse get(@RequestAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE) Tenant tenant, @PathVariable String id) {
        return ApiKeyResponse.of(keys.get(tenant.organizationId(), id));
    }

    /** Partial update: only the fields sent change ({@code name}, {@code scopes}, {@code expiresAt}). */
    @Patch("/{id}")
    public ApiKeyResponse update(@RequestAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE) Tenant tenant,
                                 @PathVariable String id, @Body ApiKeyRequests.Update body) {
        ApiKey current = keys.get(tenant.organizationId(), id);
        String name = body.name() == null ? current.name() : ApiKeyRequests.name(body.name(), true);
        Set<String> scopes = body.scopes() == null ? current.scopes() : ApiKeyRequests.scopes(body.scopes(), tenant);
        java.time.Instant expiresAt = body.expiresAt() == null ? current.expiresAt() : ApiKeyRequests.expiresAt(body.expiresAt());
        return ApiKeyResponse.of(keys.update(tenant.organizationId(), id, name, scopes, expiresAt));
    }

    @Put("/{id}")
    public ApiKeyResponse replace(@RequestAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE) Tenant tenant,
                                  @PathVariable String id, @Body ApiKeyRequests.Update body) {
        return update(tenant, id, body);
    }

    @Delete("/{id}")
    public ApiKeyResponse delete(@RequestAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE) Tenant tenant, @PathVariable String id) {
        return ApiKeyResponse.of(keys.delete(tenant.organizationId(), id));
    }

    /** A new secret value for the key; the old one keeps working for {@code overlapSeconds} (default 3600, ≤ 7 days). */
    @Post("/{id}/regenerate")
    public ApiKeyResponse regenerate(@RequestAttribute(ApiKeyAuthFilter.TENANT_ATTRIBUTE) Tenant tenant,
                                     @PathVariable String id, @Nullable @Body ApiKeyRequests.Regenerate body) {
        ApiKeyService.CreatedApiKey created = keys.regenerate(tenant.organizationId(), id, ApiKeyRequests.overlap(body));
        return ApiKeyResponse.of(created.apiKey(), created.key());
    }
}
