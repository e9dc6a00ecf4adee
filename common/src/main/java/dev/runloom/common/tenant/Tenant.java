package dev.runloom.common.tenant;

import io.micronaut.serde.annotation.Serdeable;

import java.util.Set;

/** Who is asking: the organization every query filters by, the user (or key) acting, and its scopes. */
@Serdeable
public record Tenant(String organizationId, String userId, Set<String> scopes) {
}
