package dev.runloom.gateway.auth;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Provisions the keys named in configuration when the gateway starts: the launcher's key
 * ({@code runloom.gateway.bootstrap-key.*}, from env {@code RUNLOOM_API_KEY} / {@code RUNLOOM_ORG_ID},
 * skipped while blank) and every {@code runloom.gateway.api-keys[n]}. Upserts by hash, so restarts
 * change nothing and editing an entry's org, user, name or scopes takes effect on the next start.
 */
@Singleton
public class ApiKeyBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyBootstrap.class);

    private final ApiKeyService service;
    private final List<ApiKeyProperties> configured;
    private final String bootstrapKey;
    private final String bootstrapOrg;
    private final String bootstrapUser;
    private final String bootstrapName;

    public ApiKeyBootstrap(ApiKeyService service,
                           List<ApiKeyProperties> configured,
                           @Value("${runloom.gateway.bootstrap-key.key:}") String bootstrapKey,
                           @Value("${runloom.gateway.bootstrap-key.organization-id:org_local}") String bootstrapOrg,
                           @Value("${runloom.gateway.bootstrap-key.user-id:user_local}") String bootstrapUser,
                           @Value("${runloom.gateway.bootstrap-key.name:local}") String bootstrapName) {
        this.service = service;
        this.configured = configured;
        this.bootstrapKey = bootstrapKey;
        this.bootstrapOrg = bootstrapOrg;
        this.bootstrapUser = bootstrapUser;
        this.bootstrapName = bootstrapName;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        List<ApiKeyProperties> keys = new ArrayList<>();
        if (bootstrapKey != null && !bootstrapKey.isBlank()) {
            ApiKeyProperties local = new ApiKeyProperties();
            local.setKey(bootstrapKey.trim());
            local.setOrganizationId(bootstrapOrg);
            local.setUserId(bootstrapUser);
            local.setName(bootstrapName);
            keys.add(local);
        }
        keys.addAll(configured);
        for (ApiKeyProperties key : keys) {
            provision(key);
        }
    }

    private void provision(ApiKeyProperties entry) {
        String key = entry.getKey() == null ? "" : entry.getKey().trim();
        if (key.isEmpty()) {
            return;
        }
        if (entry.getOrganizationId() == null || entry.getOrganizationId().isBlank()) {
            // never any part of the key in logs or errors: the entry is named by its name
            throw new IllegalStateException("API key '" + entry.getName() + "' in runloom.gateway.api-keys has no organization-id");
        }
        if (!ApiKeys.looksLikeKey(key)) {
            // such a key would be refused at the door anyway (malformed keys are never looked up)
            LOG.error("configured API key for organization {} is not of the form rt_live_|rt_test_ + 32-128 url-safe"
                    + " characters; skipped", entry.getOrganizationId());
            return;
        }
        String userId = entry.getUserId() == null || entry.getUserId().isBlank() ? "user_local" : entry.getUserId();
        String name = entry.getName() == null || entry.getName().isBlank() ? "configured" : entry.getName();
        List<String> scopes = entry.getScopes() == null ? List.of("*") : entry.getScopes();
        ApiKey stored = service.register(key, entry.getOrganizationId(), userId, name, scopes);
        if (stored.revoked()) {
            LOG.warn("configured API key {} is revoked and will be refused", stored.id());
        } else {
            LOG.info("API key {} ready for organization {}", stored.id(), stored.organizationId());
        }
    }
}
