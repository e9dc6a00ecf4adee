package dev.runloom.governor;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code runloom.governor.*}, configured once for every service that calls models
 * (docs/operations.md, "LLM governor"):
 * <pre>
 * runloom.governor:
 *   enabled: true
 *   datasource: {url, username, password, maximum-pool-size}   # the ONE shared database; unset: the service's own
 *   ungoverned-providers: [local]
 *   poll-interval: 200ms          # how often a waiting call asks again
 *   max-wait-interactive: 2m      # total wait for permits of one call, then it fails (retryable)
 *   max-wait-batch: 4m
 *   max-rate-limited-attempts: 20 # 429s one call answers by waiting
 *   default-pause: 1s             # a 429 without Retry-After pauses this long (doubling, at most 60 s)
 *   limits:
 *     default: {concurrency: 0, org-concurrency: 8, tokens-per-minute: 0, org-tokens-per-minute: 0, interactive-reserve: 2}
 *     openai:  {concurrency: 64, org-tokens-per-minute: 200000}
 * </pre>
 * A provider's limits fall back, field by field, to {@code default}.
 */
@ConfigurationProperties("runloom.governor")
public class GovernorSettings {
    private boolean enabled = true;
    private DataSourceSettings datasource = new DataSourceSettings();
    private List<String> ungovernedProviders = List.of("local");
    private Duration pollInterval = Duration.ofMillis(200);
    private Duration maxWaitInteractive = Duration.ofMinutes(2);
    private Duration maxWaitBatch = Duration.ofMinutes(4);
    private int maxRateLimitedAttempts = 20;
    private Duration defaultPause = Duration.ofSeconds(1);
    private Map<String, Map<String, Object>> limits = new TreeMap<>();

    public boolean isEnabled() { return enabled; }
    public void setEnabled(boolean enabled) { this.enabled = enabled; }
    public DataSourceSettings getDatasource() { return datasource; }
    public void setDatasource(DataSourceSettings datasource) { this.datasource = datasource; }
    public List<String> getUngovernedProviders() { return ungovernedProviders; }
    public void setUngovernedProviders(List<String> ungovernedProviders) { this.ungovernedProviders = List.copyOf(ungovernedProviders); }
    public Duration getPollInterval() { return pollInterval; }
    public void setPollInterval(Duration pollInterval) { this.pollInterval = pollInterval; }
    public Duration getMaxWaitInteractive() { return maxWaitInteractive; }
    public void setMaxWaitInteractive(Duration maxWaitInteractive) { this.maxWaitInteractive = maxWaitInteractive; }
    public Duration getMaxWaitBatch() { return maxWaitBatch; }
    public void setMaxWaitBatch(Duration maxWaitBatch) { this.maxWaitBatch = maxWaitBatch; }
    public int getMaxRateLimitedAttempts() { return maxRateLimitedAttempts; }
    public void setMaxRateLimitedAttempts(int maxRateLimitedAttempts) { this.maxRateLimitedAttempts = maxRateLimitedAttempts; }
    public Duration getDefaultPause() { return defaultPause; }
    public void setDefaultPause(Duration defaultPause) { this.defaultPause = defaultPause; }
    public Map<String, Map<String, Object>> getLimits() { return limits; }
    public void setLimits(Map<String, Map<String, Object>> limits) { this.limits = new TreeMap<>(limits); }

    /** The limits of {@code provider}, each field falling back to {@code default}, then to the built-in defaults. */
    public GovernorLimits limitsOf(String provider) {
        Map<String, Object> mine = limits.getOrDefault(provider, Map.of());
        Map<String, Object> fallback = limits.getOrDefault("default", Map.of());
        return new GovernorLimits(
                (int) number(mine, fallback, "concurrency", 0),
                (int) number(mine, fallback, "org-concurrency", 8),
                number(mine, fallback, "tokens-per-minute", 0),
                number(mine, fallback, "org-tokens-per-minute", 0),
                (int) number(mine, fallback, "interactive-reserve", 2));
    }

    private static long number(Map<String, Object> mine, Map<String, Object> fallback, String key, long builtIn) {
        Object value = find(mine, key);
        if (value == null) {
            value = find(fallback, key);
        }
        if (value == null) {
            return builtIn;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("runloom.governor.limits.*." + key + " must be a whole number, not '" + value + "'");
        }
    }

    /** Accepts {@code org-concurrency}, {@code orgConcurrency} and {@code org_concurrency}. */
    private static @Nullable Object find(Map<String, Object> map, String key) {
        String wanted = key.replace("-", "").toLowerCase(Locale.ROOT);
        for (Map.Entry<String, Object> e : map.entrySet()) {
            if (e.getKey().replace("-", "").replace("_", "").toLowerCase(Locale.ROOT).equals(wanted)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The shared governor database; an empty url means: the service's own default datasource. */
    @ConfigurationProperties("datasource")
    public static class DataSourceSettings {
        private @Nullable String url;
        private @Nullable String username;
        private @Nullable String password;
        private int maximumPoolSize = 4;

        public @Nullable String getUrl() { return url; }
        public void setUrl(@Nullable String url) { this.url = url; }
        public @Nullable String getUsername() { return username; }
        public void setUsername(@Nullable String username) { this.username = username; }
        public @Nullable String getPassword() { return password; }
        public void setPassword(@Nullable String password) { this.password = password; }
        public int getMaximumPoolSize() { return maximumPoolSize; }
        public void setMaximumPoolSize(int maximumPoolSize) { this.maximumPoolSize = maximumPoolSize; }
    }
}
