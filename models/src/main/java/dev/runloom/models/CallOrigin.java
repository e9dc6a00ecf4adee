package dev.runloom.models;

/**
 * On whose behalf and with which urgency a model call is made, so a {@link CallGovernor} can share
 * the organization's provider limits: {@link Priority#INTERACTIVE} calls (an agent executed through
 * the API, an inline run answering its request) may use every permit; {@link Priority#BATCH} calls
 * (fanned-out batch records, schedule runs) leave some of them for the interactive ones.
 */
public record CallOrigin(String organizationId, Priority priority) {

    public enum Priority {
        INTERACTIVE, BATCH;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public CallOrigin {
        if (organizationId == null || organizationId.isBlank()) {
            throw new IllegalArgumentException("organizationId is required");
        }
        priority = priority == null ? Priority.INTERACTIVE : priority;
    }

    public static CallOrigin interactive(String organizationId) {
        return new CallOrigin(organizationId, Priority.INTERACTIVE);
    }

    public static CallOrigin batch(String organizationId) {
        return new CallOrigin(organizationId, Priority.BATCH);
    }
}
