package dev.runloom.schedules.schedule;

import java.util.Locale;
import java.util.Optional;

/**
 * How a schedule fires. The create request says {@code recurring} / {@code one-time} (reference
 * §2.8 / Q8); the stored and returned {@code triggerType} is {@code cron} / {@code once}. Both
 * spellings are accepted on input, so a client may echo a schedule it read.
 */
public enum TriggerType {
    CRON("cron", "recurring"),
    ONCE("once", "one-time");

    private final String stored;
    private final String requested;

    TriggerType(String stored, String requested) {
        this.stored = stored;
        this.requested = requested;
    }

    public String stored() {
        return stored;
    }

    public static TriggerType fromStored(String value) {
        for (TriggerType type : values()) {
            if (type.stored.equals(value)) {
                return type;
            }
        }
        throw new IllegalStateException("unknown stored trigger type " + value);
    }

    public static Optional<TriggerType> fromRequest(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String normalised = value.trim().toLowerCase(Locale.ROOT);
        for (TriggerType type : values()) {
            if (type.requested.equals(normalised) || type.stored.equals(normalised)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
