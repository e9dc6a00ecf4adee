package dev.runloom.kernel.events;

import dev.runloom.events.EventType;
import io.micronaut.core.annotation.Nullable;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * An event a service wants published through its outbox: the contract (type, and through it the
 * stream), the key whose order matters, the CloudEvents subject, the tenant and the payload.
 * Built with {@link #of}, so a payload always matches its contract's record type.
 *
 * <p>{@code extensions} are further CloudEvents extension attributes (name → value) the relay
 * publishes as {@code ce_<name>} headers, so consumers can select events without reading their
 * payload (e.g. {@link CloudEventCodec#SCHEDULE_RUN_EXTENSION}, see
 * {@code Subscription.Builder#onlyWithExtension}). Empty by default; set them with
 * {@link #withExtension}. Names must be valid CloudEvents names (lower-case a-z and 0-9, at most 20
 * characters) other than the core attributes and the kernel's own {@code runloomorg} and
 * {@code traceparent}.
 */
public record OutgoingEvent(EventType<?> type, String key, String subject, @Nullable String organizationId,
                            Object payload, Map<String, String> extensions) {

    public OutgoingEvent {
        TreeMap<String, String> checked = new TreeMap<>();
        if (extensions != null) {
            extensions.forEach((name, value) -> {
                CloudEventCodec.checkExtensionName(name);
                if (value != null) {
                    checked.put(name, value);
                }
            });
        }
        extensions = Collections.unmodifiableMap(checked);
    }

    /** An event without extension attributes. */
    public OutgoingEvent(EventType<?> type, String key, String subject, @Nullable String organizationId, Object payload) {
        this(type, key, subject, organizationId, payload, Map.of());
    }

    public static <T> OutgoingEvent of(EventType<T> type, String key, String subject, @Nullable String organizationId,
                                       T payload) {
        return new OutgoingEvent(type, key, subject, organizationId, payload);
    }

    /**
     * This event with the extension attribute {@code name} set to {@code value}; a null value means
     * absent (removes it), so producers can pass an optional id as it is.
     *
     * @throws IllegalArgumentException when {@code name} is not a valid CloudEvents name or is reserved
     */
    public OutgoingEvent withExtension(String name, @Nullable String value) {
        CloudEventCodec.checkExtensionName(name);
        TreeMap<String, String> changed = new TreeMap<>(extensions);
        if (value == null) {
            changed.remove(name);
        } else {
            changed.put(name, value);
        }
        return new OutgoingEvent(type, key, subject, organizationId, payload, changed);
    }
}
