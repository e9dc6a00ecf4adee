package dev.runloom.flows.recordsource;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.serde.annotation.Serdeable;

import java.util.Map;

/** A record as a flow execution sees it ({@code _record} in templates). */
@Serdeable
public record SourceRecord(String id, @Nullable String name, @Nullable String type,
                           @Nullable Map<String, Object> metadata) {
}
