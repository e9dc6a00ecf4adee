package dev.runloom.gateway.admin;

import dev.runloom.common.id.Ids;
import dev.runloom.gateway.auth.ApiKeyService;
import io.micronaut.transaction.annotation.Transactional;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Creates an organization and its first key (all scopes), in one transaction. */
@Singleton
public class OrganizationService {
    private final OrganizationRepository organizations;
    private final ApiKeyService keys;

    public OrganizationService(OrganizationRepository organizations, ApiKeyService keys) {
        this.organizations = organizations;
        this.keys = keys;
    }

    @Transactional
    public Created create(String name) {
        Organization organization = organizations.save(new Organization(Ids.newId("org"), name,
                Instant.now().truncatedTo(ChronoUnit.MILLIS)));
        ApiKeyService.CreatedApiKey key = keys.create(organization.id(), "admin", "first key of " + name, List.of("*"));
        return new Created(organization, key);
    }

    public record Created(Organization organization, ApiKeyService.CreatedApiKey key) {
    }
}
