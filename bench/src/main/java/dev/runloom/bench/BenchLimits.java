package dev.runloom.bench;

import java.util.Map;

/** What every benchmark platform is started with. */
final class BenchLimits {
    /**
     * The gateway's rate limits far above any load a scenario drives (the defaults, 600 requests a minute
     * per key, would measure the limiter instead of the platform).
     */
    static final Map<String, String> UNTHROTTLED = Map.of("RUNLOOM_RATE_LIMIT_PER_KEY", "100000000",
            "RUNLOOM_RATE_LIMIT_PER_ORG", "100000000");

    private BenchLimits() {
    }
}
