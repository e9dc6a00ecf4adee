package dev.runloom.schedules.schedule;

import java.util.Locale;
import java.util.Optional;

/**
 * What the scheduler does with fire times it missed (it was down, or behind by more than
 * {@code runloom.scheduler.missed-run-grace}): {@code fire_once} fires once, for the oldest missed
 * time (the default, and the behaviour before the policy existed); {@code skip} records one
 * {@code skipped} run for the missed times and fires only a fire time that is still within the grace.
 * Either way the schedule then moves to its first fire time after now: never a catch-up storm.
 */
public enum MissedRunPolicy {
    FIRE_ONCE("fire_once"),
    SKIP("skip");

    public static final MissedRunPolicy DEFAULT = FIRE_ONCE;

    private final String stored;

    MissedRunPolicy(String stored) {
        this.stored = stored;
    }

    /** The API and column spelling. */
    public String stored() {
        return stored;
    }

    public static MissedRunPolicy fromStored(String value) {
        return fromRequest(value).orElseThrow(() -> new IllegalStateException("unknown stored missed-run policy " + value));
    }

    /** {@code fire_once} / {@code skip}; case and a hyphen for the underscore are forgiven. */
    public static Optional<MissedRunPolicy> fromRequest(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String normalised = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (MissedRunPolicy policy : values()) {
            if (policy.stored.equals(normalised)) {
                return Optional.of(policy);
            }
        }
        return Optional.empty();
    }
}
