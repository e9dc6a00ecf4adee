package dev.runloom.gateway.auth;

import io.micronaut.context.annotation.EachProperty;

import java.util.List;

/**
 * One entry of {@code runloom.gateway.api-keys}: a key provisioned from configuration at startup
 * ({@code key}, {@code organization-id}, {@code user-id} = {@code user_local}, {@code name},
 * {@code scopes} = {@code ["*"]}).
 */
@EachProperty(value = "runloom.gateway.api-keys", list = true)
public class ApiKeyProperties {
    private String key;
    private String organizationId;
    private String userId = "user_local";
    private String name;
    private List<String> scopes = List.of("*");

    public String getKey() {
        return key;
    }

    public void setKey(String key) {
        this.key = key;
    }

    public String getOrganizationId() {
        return organizationId;
    }

    public void setOrganizationId(String organizationId) {
        this.organizationId = organizationId;
    }

    public String getUserId() {
        return userId;
    }

    public void setUserId(String userId) {
        this.userId = userId;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    public List<String> getScopes() {
        return scopes;
    }

    public void setScopes(List<String> scopes) {
        this.scopes = scopes;
    }
}
