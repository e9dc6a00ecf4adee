package dev.runloom.gateway.admin;

import dev.runloom.common.problem.ProblemException;
import dev.runloom.gateway.keys.ApiKeyResponse;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.Serdeable;

/**
 * The platform operator's door: creating an organization and its first key. Only the admin key
 * ({@code runloom.gateway.admin-key}, env {@code RUNLOOM_ADMIN_KEY}; the local launcher keeps one in
 * its data directory) gets here — {@code ApiKeyAuthFilter} refuses every organization's key, even
 * one holding {@code *}. The first key is shown once, in this answer.
 */
@Controller("/v1/admin/organizations")
public class AdminController {
    private final OrganizationService organizations;

    public AdminController(OrganizationService organizations) {
        this.organizations = organizations;
    }

    @Post
    public HttpResponse<CreatedOrganization> create(@Body CreateOrganization body) {
        String name = body.name() == null ? "" : body.name().trim();
        if (name.isEmpty() || name.length() > 200) {
            throw ProblemException.validation("name: must be 1 to 200 characters");
        }
        OrganizationService.Created created = organizations.create(name);
        return HttpResponse.created(new CreatedOrganization(created.organization().id(), created.organization().name(),
                created.organization().createdAt(), ApiKeyResponse.of(created.key().apiKey(), created.key().key())));
    }

    @Serdeable
    public record CreateOrganization(@Nullable String name) {
    }

    @Serdeable
    public record CreatedOrganization(String id, String name, java.time.Instant createdAt, ApiKeyResponse apiKey) {
    }
}
