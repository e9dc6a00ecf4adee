package dev.runloom.records.record;

import java.util.Map;

/** The part of a record a flow execution needs: identity and metadata. */
public record RecordRef(String id, String name, String type, Map<String, Object> metadata) {
}
