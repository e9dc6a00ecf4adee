package dev.runloom.agents.loop;

import java.util.Set;

/** Surfaces that can cause an execution (reference §2.1 and Q14); {@code api} is a direct REST call. */
public final class SurfaceTypes {
    public static final String API = "api";
    /** A schedule fired (schedules-service's run request). */
    public static final String SCHEDULE = "schedule";
    public static final Set<String> ALL = Set.of("chat", "api", "mcp", "mcp_code", "webhook", "email", "slack",
            "schedule", "sms", "imessage", "discord", "whatsapp", "telegram", "messaging", "a2a", "hosted-page",
            "playground", "dashboard", "sdk");

    private SurfaceTypes() {
    }
}
